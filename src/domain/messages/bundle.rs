//! Organisations, enrolment, bundles, checkpoints and what headquarters witnesses.

use super::{texts, Text};
use crate::domain::Refusal;

texts! { ALL_BUNDLE;
    REFUSAL_NOT_A_BUNDLE:
        "This is not a Consentry bundle or enrolment file. Nothing was imported. Pick a file Consentry saved (.consentry or .enrol).",
        "这不是 Consentry 数据包或注册文件，未导入任何内容。请选择 Consentry 保存的文件（.consentry 或 .enrol）。";
    REFUSAL_UNKNOWN_FORMAT:
        "This file is in a format this version of Consentry does not read. Nothing was imported. Update Consentry, or ask the sender to use the same version.",
        "此文件的格式不是当前版本的 Consentry 能读取的，未导入任何内容。请更新 Consentry，或请发送方使用相同版本。";
    REFUSAL_TOO_LARGE:
        "This file is larger than a bundle may be. Nothing was imported. Check that it is the right file.",
        "此文件超过数据包的大小上限，未导入任何内容。请确认文件是否正确。";
    REFUSAL_WRONG_RECEIVER:
        "This bundle is addressed to another headquarters or device. Nothing was imported. Import it where it belongs.",
        "此数据包的收件方是另一个总部或设备，未导入任何内容。请在正确的地方导入。";
    REFUSAL_UNKNOWN_SENDER:
        "This bundle is from a device or headquarters this vault does not know. Nothing was imported. Check where the file came from.",
        "此数据包来自本保险库不认识的设备或总部，未导入任何内容。请核实文件来源。";
    REFUSAL_REVOKED_SENDER:
        "This bundle is from a revoked device. Nothing was imported. Enrol the device again if it should rejoin.",
        "此数据包来自已撤销的设备，未导入任何内容。如该设备应重新加入，请重新注册。";
    REFUSAL_BAD_SIGNATURE:
        "The signature does not match the sender's key: the file did not come from them, or was changed. Nothing was imported. Ask the sender for a new bundle.",
        "签名与发送方的密钥不符：文件并非来自对方，或已被修改。未导入任何内容。请发送方重新生成数据包。";
    REFUSAL_TRUNCATED:
        "The file ends early: part of it is missing. Nothing was imported. Copy it again from the original.",
        "文件不完整，部分内容缺失，未导入任何内容。请从原件重新复制。";
    REFUSAL_TAMPERED:
        "The file was changed after it was signed. Nothing was imported. Ask the sender for a new bundle.",
        "文件在签名后被修改过，未导入任何内容。请发送方重新生成数据包。";
    REFUSAL_WRONG_KIND:
        "This bundle travels the other way (headquarters imports device bundles; a device loads headquarters' bundles). Nothing was imported.",
        "此数据包的方向相反（总部导入设备数据包；设备载入总部数据包），未导入任何内容。";
    REFUSAL_BAD_CHECKPOINT:
        "The entries do not match the checkpoint the sender signed. Nothing was imported. Ask the sender to save a new bundle.",
        "条目与发送方签名的检查点不符，未导入任何内容。请发送方重新保存数据包。";
    REFUSAL_NOT_ENROLLED:
        "This vault is not part of the organisation in the way this step needs (headquarters, or an enrolled device). Nothing was changed.",
        "此保险库在组织中的身份不符合此步骤的要求（总部或已注册的设备），未做任何更改。";

    ENROLMENT_INDEX_KEY:
        "The enrolment file's index key is damaged. Ask headquarters for a new enrolment file.",
        "注册文件中的索引密钥已损坏。请向总部索取新的注册文件。";
    ORG_NAME_UNUSABLE:
        "“{name}” is not a usable name. Use 1 to 80 characters on one line, such as “Shanghai stand tablet 1”.",
        "“{name}”不能用作名称。请使用 1 至 80 个字符且为单行，例如“上海展位平板 1”。";
    ALREADY_HQ:
        "This vault is already the headquarters of “{name}”. Nothing was changed. A vault belongs to one organisation; create a new vault for another one.",
        "此保险库已是“{name}”的总部，未做任何更改。一个保险库只属于一个组织；如需加入其他组织，请新建保险库。";
    ALREADY_DEVICE:
        "This vault is already a device of “{name}”. Nothing was changed. A vault belongs to one organisation; create a new vault for another one.",
        "此保险库已是“{name}”的设备，未做任何更改。一个保险库只属于一个组织；如需加入其他组织，请新建保险库。";
    DEVICE_EXISTS:
        "There is already an enrolled device called “{name}”. Nothing was changed. Use another name.",
        "已有名为“{name}”的已注册设备，未做任何更改。请换一个名称。";
    DEVICE_NOT_FOUND:
        "There is no enrolled device “{name}”. Check the name in the Sync screen's device list.",
        "没有名为“{name}”的已注册设备。请在“同步”页面的设备列表中核对名称。";
    DEVICE_REVOKED:
        "Device “{name}” was revoked; nothing is sent to it. Enrol the device again if it should rejoin.",
        "设备“{name}”已被撤销，不会向其发送任何内容。如该设备应重新加入，请重新注册。";
    OWN_NOTICE_CLASH:
        "This device has its own notice named “{name}”, which did not come from headquarters. Ask headquarters to rename theirs, or use a fresh vault on this device.",
        "此设备有一份名为“{name}”的通知，并非来自总部。请总部为其通知改名，或在此设备上使用新的保险库。";
    BUNDLE_NOT_WRITTEN:
        "The bundle could not be made ({detail}). Nothing was saved. Try again.",
        "无法生成数据包（{detail}），未保存任何内容。请重试。";
    BUNDLE_TOO_BIG:
        "This bundle would be {size_mib} MiB, more than the {max_mib} MiB the receiver accepts: there are more records to send than one bundle carries. Nothing was saved and nothing is lost; tell your administrator (about 300,000 consent events fit in one bundle).",
        "此数据包将达到 {size_mib} MiB，超过接收方可接受的 {max_mib} MiB：待发送的记录超过一个数据包的容量。未保存任何内容，也没有丢失任何内容；请告知管理员（一个数据包约可容纳 300,000 条同意记录）。";
    BUNDLE_ROW_UNUSABLE:
        "A {table} row in the bundle is not usable ({detail}). Ask the sender to save the bundle again with the same Consentry version.",
        "数据包中的一行 {table} 数据不可用（{detail}）。请发送方使用相同版本的 Consentry 重新保存数据包。";
    HELD_BUNDLE_FAILED:
        "A bundle held for later could not be applied. Nothing was changed. Run Verify at headquarters.",
        "一个暂存的数据包无法应用，未做任何更改。请在总部运行校验。";
    FORK_NOT_KEPT: "The contradicting entries could not be kept. Nothing was changed. Try again.", "无法保存相互矛盾的条目，未做任何更改。请重试。";
    HQ_COPY_DIVERGED:
        "Headquarters' copy of device {device}'s {log} no longer matches the checkpoint it accepted at size {size}. Run Verify at headquarters and restore its vault from a backup before importing more.",
        "总部保存的设备 {device} 的{log}与其在大小 {size} 时接受的检查点不再一致。请在总部运行校验，并在继续导入前从备份恢复总部保险库。";
    OWN_LOG_DIVERGED:
        "This vault's {log} no longer matches the checkpoint it signed at size {size}. Run Verify to see what changed, and contact headquarters before saving a bundle.",
        "本保险库的{log}与其在大小 {size} 时签署的检查点不再一致。请运行校验查看变化，并在保存数据包前联系总部。";
    LOG_LEDGER: "consent ledger", "同意记录链";
    LOG_AUDIT: "audit log", "审计日志";
    RESOLUTION_NEEDS_NOTE:
        "A resolution needs a note saying what was decided. Write what you found and decided.",
        "处理结论需要附说明。请写明您的发现和决定。";
    CASE_NOT_FOUND:
        "There is no open quarantine case “{id}”. It may be resolved already; see the quarantine list.",
        "没有编号为“{id}”的待处理隔离案例。它可能已处理完毕；请查看隔离列表。";
    SIGNED_FORMAT:
        "A signed note or checkpoint is not usable: {detail} Do not rely on it; get a fresh copy from its source.",
        "签名注记或检查点不可用：{detail} 请勿依赖它；请从其来源重新获取。";
}

/// Why a bundle or enrolment file was refused, as the app says it.
pub fn refusal(r: Refusal) -> &'static Text {
    match r {
        Refusal::NotABundle => &REFUSAL_NOT_A_BUNDLE,
        Refusal::UnknownFormat => &REFUSAL_UNKNOWN_FORMAT,
        Refusal::TooLarge => &REFUSAL_TOO_LARGE,
        Refusal::WrongReceiver => &REFUSAL_WRONG_RECEIVER,
        Refusal::UnknownSender => &REFUSAL_UNKNOWN_SENDER,
        Refusal::RevokedSender => &REFUSAL_REVOKED_SENDER,
        Refusal::BadSignature => &REFUSAL_BAD_SIGNATURE,
        Refusal::Truncated => &REFUSAL_TRUNCATED,
        Refusal::Tampered => &REFUSAL_TAMPERED,
        Refusal::WrongKind => &REFUSAL_WRONG_KIND,
        Refusal::BadCheckpoint => &REFUSAL_BAD_CHECKPOINT,
        Refusal::NotEnrolled => &REFUSAL_NOT_ENROLLED,
    }
}

/// A log's name (`ledger` or `audit`).
pub fn log(name: &str) -> &'static Text {
    if name == "audit" {
        &LOG_AUDIT
    } else {
        &LOG_LEDGER
    }
}
