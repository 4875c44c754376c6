//! Events, the kiosk and paper forms, badges, the consent ledger, purposes and receipts.

use super::texts;

texts! { ALL_CAPTURE;
    EVENT_CLOSED:
        "The event “{name}” is closed. Ask the staff at the stand; they can choose a running event or reopen this one.",
        "活动“{name}”已结束。请咨询展位工作人员：工作人员可以选择进行中的活动，或重新开启本活动。";
    EVENT_ALREADY_CLOSED:
        "The event is already closed. Create a new event to collect consent again.",
        "该活动已结束。如需再次收集同意，请新建活动。";
    EVENT_NOT_CLOSED:
        "The event “{name}” is not closed, so there is nothing to reopen. Its kiosk takes people already.",
        "活动“{name}”并未结束，无需重新开启。其自助终端正在接待访客。";
    EVENT_LANGUAGE_NOT_OFFERED:
        "The event “{name}” is not offered in {language}. Choose one of the event's languages.",
        "活动“{name}”不提供{language}。请选择该活动提供的语言。";
    EVENT_VERSION_NOT_APPROVED:
        "Version {number} of notice “{notice}” is {state}, not approved. Ask legal for the current version and switch the event to it.",
        "通知“{notice}”的第 {number} 版处于{state}状态，未获批准。请向法务索取当前版本，并将活动切换到该版本。";
    EVENT_NOT_FOUND:
        "There is no event “{key}” in this vault. Check the list on Events.",
        "此保险库中没有活动“{key}”。请在“活动”页面查看列表。";
    EVENT_NAME_MISSING:
        "The event needs a name (at most 120 characters). Name it as people know it, such as “Shanghai Auto Show 2026”.",
        "活动需要名称（最多 120 个字符）。请使用大家熟知的名称，例如“2026 上海车展”。";
    EVENT_VENUE_MISSING:
        "The event has no venue. Say where it takes place, such as “NECC Shanghai, Hall 5”.",
        "活动没有场地。请填写举办地点，例如“国家会展中心（上海）5 号馆”。";
    EVENT_DEVICE_MISSING:
        "The device has no name for this event. Name it as the team knows it, such as “Stand A tablet”.",
        "此设备在本活动中没有名称。请使用团队熟知的名称，例如“A 展位平板”。";
    EVENT_NOT_A_DATE:
        "The {what} “{value}” is not a date. Write it as YYYY-MM-DD, such as 2026-05-01.",
        "{what}“{value}”不是有效日期。请按 YYYY-MM-DD 的格式填写，例如 2026-05-01。";
    FIRST_DAY: "first day", "开始日期";
    LAST_DAY: "last day", "结束日期";
    EVENT_ENDS_BEFORE_START:
        "The event ends before it starts. Check the first and last day.",
        "活动的结束日期早于开始日期。请检查开始和结束日期。";
    EVENT_IDLE_RANGE:
        "An idle reset of {seconds} seconds is outside 15–600. Use 60 seconds unless people need longer to read.",
        "{seconds} 秒的空闲重置时间超出 15–600 秒的范围。除非访客需要更长的阅读时间，请使用 60 秒。";
    EVENT_NO_LANGUAGE: "The event offers no language. Offer Chinese, English or both.", "活动未提供任何语言。请提供中文、英文或两者。";
    EVENT_FIELD_TWICE: "The {field} is listed twice. List each field once.", "{field}被列出了两次。每个字段只需列一次。";
    EVENT_NO_CONTACT_FIELD:
        "The form collects neither e-mail nor phone, so nobody's consent could be found again. Collect the e-mail address, the phone number, or both.",
        "表单既不收集电子邮箱也不收集电话号码，今后将无法找到任何人的同意记录。请收集电子邮箱、电话号码或两者。";
    EVENT_NO_CONSENT:
        "Version {number} of notice “{notice}” asks for no consent. Choose a notice whose profile has purposes based on consent.",
        "通知“{notice}”的第 {number} 版不征求任何同意。请选择其处理档案中含有以同意为基础的目的的通知。";
    FIELD_REQUIRED: "The {field} is required at this event. Fill it in, then submit again.", "本活动要求填写{field}。请填写后再提交。";
    FIELD_NOT_COLLECTED:
        "This event does not collect the {field}. Leave it out: collect only what the notice says.",
        "本活动不收集{field}。请留空：只收集通知中说明的信息。";
    FORM_NO_SUCH_BOX: "The form has no box “{code}”. Reload the form and try again.", "表单中没有“{code}”这一选项。请重新加载表单后重试。";
    FORM_BOX_TWICE: "The box “{code}” is ticked twice. Reload the form and try again.", "选项“{code}”被勾选了两次。请重新加载表单后重试。";
    NO_MINORS_PROVISION:
        "This event's notice does not provide for children under 14. Do not collect a child's details here; a notice with dedicated rules for minors is needed (PIPL Art. 31).",
        "本活动的通知未包含针对不满十四周岁未成年人的规则。请勿在此收集儿童的信息；需要一份包含未成年人专门规则的通知（《个人信息保护法》第三十一条）。";
    GUARDIAN_MISSING:
        "A child under 14 needs a parent's or guardian's consent: the guardian's name and confirmation are missing. Ask the parent or guardian to enter their name and confirm, then submit again.",
        "不满十四周岁的儿童须经父母或其他监护人同意：缺少监护人姓名和确认。请父母或监护人填写姓名并确认后再提交。";
    GUARDIAN_WITHOUT_MINOR:
        "A guardian answered for someone not marked as under 14. Tick “under 14” or clear the guardian's details.",
        "监护人代为作答，但此人未标记为不满十四周岁。请勾选“不满十四周岁”，或清除监护人信息。";
    NO_SIGNATURE_PAD:
        "The event “{name}” does not offer a signature pad. Leave the signature out: collect only what the event collects.",
        "活动“{name}”不提供签名板。请不要提交签名：只收集本活动收集的信息。";
    SIGNATURE_NOT_PNG:
        "The signature is not a PNG image of at most 512 KiB. Clear the signature pad and sign again.",
        "签名不是不超过 512 KiB 的 PNG 图片。请清除签名板后重新签名。";
    FORM_METHOD:
        "An event form is collected at the kiosk or on paper, not by {method}. Use the kiosk or a paper form.",
        "活动表单只能通过自助终端或纸质表格收集，不能通过{method}。请使用自助终端或纸质表格。";
    PAPER_NEEDS_REF:
        "A paper form needs the reference of its scan. Enter the scan's file name or the number written on the form, such as “SH-2026-0042”.",
        "纸质表格需要填写其扫描件的编号。请输入扫描件的文件名或表格上的编号，例如“SH-2026-0042”。";
    BADGE_TOO_LONG:
        "The scanned badge holds {bytes} bytes; a badge holds at most {max}. Scan the badge again, or type the details.",
        "扫描到的胸卡有 {bytes} 字节，胸卡最多 {max} 字节。请重新扫描，或手动输入信息。";
    BADGE_UNKNOWN:
        "That is not a badge Consentry can read (it is neither a vCard nor a MECARD). Scan the QR code on the visitor badge, or type the details.",
        "无法识别该胸卡（既不是 vCard 也不是 MECARD）。请扫描访客胸卡上的二维码，或手动输入信息。";
    BADGE_EMPTY:
        "The badge holds no name, e-mail, phone, company or title. Type the details.",
        "胸卡中没有姓名、电子邮箱、电话、公司或职位。请手动输入信息。";

    TIME_IN_FUTURE:
        "The time {at} is in the future. Give the time the person actually signed or wrote, or leave it out to use now.",
        "时间 {at} 晚于当前时间。请填写此人实际签署或来信的时间，或留空以使用当前时间。";
    BACKDATED_METHOD:
        "Only paper, import, letter and e-mail records may carry an earlier time; this one is {method}. Leave out the time, or record it as a paper form with its reference.",
        "只有纸质表格、导入、信函和电子邮件记录可以使用较早的时间；此记录的方式是{method}。请不填时间，或作为纸质表格并附上编号记录。";
    NOT_A_CAPTURE_METHOD:
        "{method} is a way to withdraw, not a way to collect consent. Use kiosk, desk, paper or import.",
        "{method}是撤回同意的渠道，不能用于收集同意。请使用自助终端、服务台、纸质表格或导入。";
    NO_PURPOSES: "No purposes were given. Name each purpose the person was asked about, with its answer.", "未提供任何目的。请列出向此人询问的每个目的及其回答。";
    CAPTURE_NO_WITHDRAWALS:
        "A capture holds grants and refusals only. Record a withdrawal as a withdrawal.",
        "一次收集只包含同意和拒绝。撤回请以撤回方式记录。";
    PURPOSE_TWICE: "Purpose “{code}” is given twice. Give each purpose once.", "目的“{code}”出现了两次。每个目的只需提供一次。";
    VERSION_NOT_APPROVED:
        "Notice version {hash} is {state}, not approved. Only an approved version may be shown to people: choose an approved one.",
        "通知版本 {hash} 处于{state}状态，未获批准。只有已批准的版本可以向人展示：请选择已批准的版本。";
    NOTHING_TO_WITHDRAW:
        "This person has no consent in force to withdraw. Check their status; name a purpose to record a withdrawal anyway.",
        "此人没有可撤回的有效同意。请查看其状态；如仍需记录撤回，请指定目的。";
    PURPOSE_NOT_FOUND:
        "There is no purpose “{code}” in this vault. Check the list in the catalogue, or add it.",
        "此保险库中没有目的“{code}”。请查看目录中的列表，或添加该目的。";
    PURPOSE_EXISTS:
        "There is already a purpose with the code “{code}”. Nothing was changed. Use another code, or use the existing one.",
        "已有代码为“{code}”的目的，未做任何更改。请换一个代码，或使用现有目的。";
    CATEGORY_EXISTS:
        "There is already a data category with the code “{code}”. Nothing was changed. Use another code, or use the existing one.",
        "已有代码为“{code}”的数据类别，未做任何更改。请换一个代码，或使用现有类别。";
    CODE_UNUSABLE:
        "“{code}” is not a usable code. Use up to 64 lower-case letters, digits, “_”, “.” or “-”, starting with a letter, such as event_marketing.",
        "“{code}”不能用作代码。请使用最多 64 个小写字母、数字、“_”、“.”或“-”，并以字母开头，例如 event_marketing。";
    NAME_MISSING:
        "A name is missing: every purpose and category needs a Chinese and an English name. Give both.",
        "缺少名称：每个目的和类别都需要中文和英文名称。请同时填写。";
    SEPARATE_NEEDS_CONSENT:
        "Purpose “{code}” needs a separate consent but its legal basis is {basis}. A separate consent is consent: choose consent as its legal basis, or untick separate consent.",
        "目的“{code}”需要单独同意，但其法律依据是 {basis}。单独同意也是同意：请将法律依据设为同意，或取消单独同意。";
    NOT_A_DPV_LABEL:
        "“{value}” is not a DPV label. Use a W3C Data Privacy Vocabulary term such as dpv:DirectMarketing or dpv:ServiceProvision.",
        "“{value}”不是 DPV 标签。请使用 W3C 数据隐私词汇（DPV）中的术语，例如 dpv:DirectMarketing 或 dpv:ServiceProvision。";
    KIOSK_WHO:
        "Scan the QR code on your receipt, or type the receipt's code, your e-mail or your phone number.",
        "请扫描回执上的二维码，或输入回执编号、您的电子邮箱或手机号码。";
    KIOSK_NOT_FOUND:
        "We found no consent for that receipt, e-mail or phone number. Check it and try again, or ask the staff at the stand.",
        "未找到与该回执、电子邮箱或手机号码对应的同意记录。请核对后重试，或咨询展位工作人员。";
    KIOSK_TOO_MANY_LOOKUPS:
        "This kiosk has looked up many people in the last minute. Wait a minute and try again, or ask the staff at the stand.",
        "本终端在过去一分钟内查询次数过多。请稍等一分钟后重试，或咨询展位工作人员。";
    NOTHING_TO_WITHDRAW_HERE:
        "Nothing you agreed to is in force any more, so there is nothing to withdraw. Nothing was changed.",
        "您同意的内容均已不再有效，无需撤回，未做任何更改。";
    NOT_AGREED:
        "“{code}” is not something you agreed to, so it cannot be withdrawn. Choose from the list shown.",
        "您并未同意“{code}”，因此无法撤回。请从所示列表中选择。";
    EVENT_ALREADY_SHOWS:
        "The event already shows version {number} of “{notice}”. Nothing was changed.",
        "该活动已在展示“{notice}”第 {number} 版，未做任何更改。";
    KIOSK_NO_RECEIPT:
        "There is no receipt to print yet. It can be printed once the form is sent.",
        "尚无可打印的回执。提交表单后即可打印。";
    RECEIPT_NOT_PRINTABLE:
        "The receipt could not be prepared for the thermal printer ({detail}). Print it to the system's printer instead.",
        "无法为热敏打印机生成回执（{detail}）。请改用系统打印机打印。";
    RECEIPT_NOT_FOUND:
        "There is no receipt “{id}”. Check the 10 characters on the person's receipt; the person's history lists their receipts.",
        "没有编号为“{id}”的回执。请核对此人回执上的 10 个字符；此人的历史记录中列出了其所有回执。";
}
