#!/usr/bin/env bash
# Creates the purposes and data categories that examples/trade-show-2026.profile.json refers to.
# The caller sets CONSENTRY_VAULT, CONSENTRY_OPERATOR and CONSENTRY_PASSPHRASE; set CONSENTRY to
# the path of the binary if `consentry` is not on PATH.
#
#   CONSENTRY=target/release/consentry bash examples/catalogue.sh
set -euo pipefail

cli="${CONSENTRY:-consentry}"

# Purposes. Every one is optional for the visitor (consent, not --necessary): PIPL Art. 16 and
# GDPR Art. 7(4) forbid making attendance depend on them. The last three are separate consents:
# PIPL Art. 23 (third party), Arts. 38-39 (cross-border) and Arts. 28-29 (sensitive data).
"$cli" purpose add event_followup --zh "展会后续联系" --en "Follow-up after the event" \
  --basis consent --dpv dpv:CustomerRelationshipManagement
"$cli" purpose add newsletter --zh "电子通讯订阅" --en "Newsletter" \
  --basis consent --dpv dpv:DirectMarketing
"$cli" purpose add partner_offers --zh "向合作伙伴提供信息以便其向您发送营销信息" --en "Sharing your details with our partner so it can send you offers" \
  --basis consent --separate third_party --dpv dpv:Marketing
"$cli" purpose add hq_crm --zh "向境外总部提供信息用于客户关系管理" --en "Sharing your details with our headquarters abroad for customer relationship management" \
  --basis consent --separate cross_border --dpv dpv:CustomerRelationshipManagement
"$cli" purpose add dietary_needs --zh "活动餐饮饮食需求安排" --en "Catering for your dietary needs at the event" \
  --basis consent --separate sensitive --dpv dpv:ServiceProvision

# Data categories. Dietary restrictions and allergies reveal health: sensitive personal
# information under PIPL Art. 28 and special-category data under GDPR Art. 9.
"$cli" category add name --zh "姓名" --en "Name"
"$cli" category add email --zh "电子邮箱" --en "Email address"
"$cli" category add phone --zh "电话号码" --en "Phone number"
"$cli" category add company --zh "工作单位" --en "Company"
"$cli" category add job_title --zh "职务" --en "Job title"
"$cli" category add dietary_health --zh "饮食限制与过敏信息" --en "Dietary restrictions and allergies" \
  --sensitive health
