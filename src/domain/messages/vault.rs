//! The vault, its keys, backups, operators, settings and people's details.

use super::texts;

texts! { ALL_VAULT;
    DAMAGED:
        "Part of the vault is damaged ({part}). Nothing was changed. Run Verify on Home; restore the vault from a backup if the damage is confirmed.",
        "保险库的一部分已损坏（{part}），未做任何更改。请在首页运行校验；如确认损坏，请从备份恢复保险库。";
    PART_KEY_SLOT: "a key slot", "一个密钥槽";
    PART_SEALED_DETAIL: "a sealed personal detail", "一项加密的个人信息";
    PART_PD_RECIPIENT: "the personal-data key", "个人信息密钥";
    PART_PUBLIC_KEY: "a stored public key", "一个已保存的公钥";
    PART_OWN_KEY: "this vault's encryption key", "本保险库的加密密钥";
    PART_HQ_KEY: "headquarters' encryption key held here", "此处保存的总部加密密钥";
    PART_DEVICE_KEY: "a device's encryption key held here", "此处保存的设备加密密钥";
    PART_EVENT_HASH: "a consent record's hash", "一条同意记录的哈希";
    PART_TOKEN: "the enrolment token", "注册令牌";
    RANDOM_FAILED:
        "The operating system's random number source failed. Nothing was changed. Try again; if this repeats, restart the computer.",
        "操作系统的随机数源出错，未做任何更改。请重试；如果反复出现，请重启计算机。";
    NO_DATA_FOLDER:
        "This system has no data folder for Consentry (HOME is not set). Set HOME, or choose the vault file.",
        "此系统没有 Consentry 的数据文件夹（未设置 HOME）。请设置 HOME，或指定保险库文件。";
    DEVICE_NAME_EMPTY:
        "The device name is empty. Give this computer a name, such as “Stand A laptop”.",
        "设备名称为空。请为这台计算机起个名字，例如“A 展位笔记本”。";
    NOT_A_RECOVERY_KEY:
        "That is not a Consentry recovery key: it has 32 letters and digits in eight groups of four. Type it again exactly as it was shown when the vault was created.",
        "这不是 Consentry 恢复密钥：恢复密钥由 32 个字母和数字组成，分为 8 组、每组 4 个。请按创建保险库时显示的内容重新输入。";
    GRANT_DOES_NOT_OPEN:
        "This sign-in's copy of the personal-data key does not open. Ask an administrator to reset your passphrase; the key is granted again.",
        "此登录保存的个人信息密钥副本无法打开。请让管理员重置您的密码，密钥将重新授予。";
    OLD_KEY_SLOTS:
        "{count} key slot(s) were made by an earlier Consentry and cannot be given a new key yet. Nothing was changed. Each of those operators signs in once (or an administrator resets their passphrase), then try again.",
        "有 {count} 个密钥槽由早期版本的 Consentry 创建，暂时无法更换密钥，未做任何更改。请这些操作员各登录一次（或由管理员重置其密码）后重试。";
    FILE_EXISTS:
        "{path} already exists; Consentry never overwrites a file. Choose another file name, or move the old file away first.",
        "{path} 已存在；Consentry 从不覆盖文件。请换一个文件名，或先移走旧文件。";
    FOLDER_FULL:
        "{folder} already holds 100 files of this name for today. Move older exports out of that folder and try again.",
        "{folder} 今天已有 100 个同名文件。请先移走较早的导出文件后重试。";
    FILE_TOO_LARGE:
        "{path} is larger than {limit_mib} MiB; nothing was read. Split it into smaller files.",
        "{path} 超过 {limit_mib} MiB，未读取任何内容。请拆分为较小的文件。";
    SLOTS_CHANGED_DURING_BACKUP:
        "The key-slot file changed while the backup was made. Make the backup again.",
        "备份过程中密钥槽文件发生了变化。请重新备份。";
    BACKUP_INTEGRITY:
        "The copy does not pass SQLite's integrity check. Make the backup again, to another disk if this one may be failing.",
        "副本未通过 SQLite 完整性检查。请重新备份；如果磁盘可能有故障，请备份到另一块磁盘。";
    BACKUP_HALF_MISSING:
        "{path} is missing. A backup is two files, the .db and its .keys, kept together: choose the .db and keep the .keys beside it.",
        "{path} 缺失。备份由 .db 和 .keys 两个文件组成，须放在一起：请选择 .db 文件，并将 .keys 文件放在其旁边。";
    RESTORE_TARGET_OPEN:
        "The vault at {path} is open (or was not closed). Close Consentry (or lock the vault) and restore again.",
        "{path} 处的保险库正在使用（或未正常关闭）。请关闭 Consentry（或锁定保险库）后再恢复。";
    BACKUP_DOES_NOT_VERIFY:
        "The backup does not verify ({count} problems: {first}). Nothing was replaced. Restore an older backup, or keep the vault you have.",
        "备份未通过校验（{count} 个问题：{first}），未替换任何内容。请恢复更早的备份，或保留现有保险库。";
    CANNOT_DISABLE_SELF:
        "You cannot disable yourself. Ask another administrator, or add one first.",
        "您不能停用自己。请联系另一位管理员，或先添加一位。";
    NAME_UNUSABLE:
        "“{name}” is not a usable operator name. Use 1 to 64 characters on one line, without control characters.",
        "“{name}”不能用作操作员名称。请使用 1 至 64 个字符，单行且不含控制字符。";
    NOT_ONE_OF: "“{value}” is not one of: {options}.", "“{value}”不是可用的取值，可用取值：{options}。";
    NOT_A_LANGUAGE:
        "“{value}” is not a language Consentry writes notices in. Use Chinese (zh-CN) or English (en).",
        "“{value}”不是 Consentry 支持的通知语言。请使用中文（zh-CN）或英文（en）。";
    OPERATOR_NOT_FOUND:
        "There is no operator named “{name}” in this vault. Check the list on Operators.",
        "此保险库中没有名为“{name}”的操作员。请在“操作员”页面查看列表。";
    OPERATOR_EXISTS:
        "There is already an operator called “{name}”. Nothing was changed. Use another name.",
        "已有名为“{name}”的操作员，未做任何更改。请换一个名称。";
    PERSON_NOT_FOUND:
        "No person “{key}” in this vault. Check the e-mail, phone or id; a person is added when their first consent is recorded.",
        "此保险库中没有“{key}”。请检查电子邮箱、手机号码或编号；首次记录同意时才会添加此人。";
    NOT_AN_EMAIL:
        "“{value}” is not an e-mail address. Type it as name@example.com.",
        "“{value}”不是有效的电子邮箱。请按 name@example.com 的格式填写。";
    NOT_A_PHONE:
        "“{value}” is not a phone number. Type 5 to 15 digits, with + and the country code for numbers outside China.",
        "“{value}”不是有效的电话号码。请输入 5 至 15 位数字；中国以外的号码请加 + 和国家代码。";
    NO_CONTACT:
        "The person has no e-mail address and no phone number, so their consent could never be found again. Record at least an e-mail or a phone number.",
        "此人既没有电子邮箱也没有电话号码，今后将无法找到其同意记录。请至少记录电子邮箱或电话号码之一。";
    ALREADY_ERASED:
        "Person {id} was already erased. Nothing was changed; their consent history stays as pseudonymous proof.",
        "{id} 已被删除，未做任何更改；其同意记录作为假名化证明保留。";
    TEXT_TOO_LONG:
        "The {what} is {count} characters long; at most {max} are kept. Shorten it.",
        "{what}长 {count} 个字符，最多保留 {max} 个。请缩短。";
    TEXT_HIDDEN_CHARACTER:
        "The {what} holds an invisible or control character (U+{code}) at position {position}. Type it again without it.",
        "{what}的第 {position} 个字符是不可见字符或控制字符（U+{code}）。请去掉后重新输入。";
    IDLE_LOCK_RANGE:
        "{minutes} minutes is not a usable idle lock. Choose between 1 and 240 minutes; shorter is safer on a shared stand.",
        "{minutes} 分钟不是可用的自动锁定时间。请选择 1 至 240 分钟；共用展位上越短越安全。";
    PRINTER_NOT_ABSOLUTE:
        "“{path}” is not a full device path. Give the printer's device file, such as /dev/usb/lp0.",
        "“{path}”不是完整的设备路径。请填写打印机的设备文件，例如 /dev/usb/lp0。";
    PRINTER_IS_FOLDER:
        "“{path}” is a folder, not a printer. Give the printer's device file, such as /dev/usb/lp0.",
        "“{path}”是文件夹，不是打印机。请填写打印机的设备文件，例如 /dev/usb/lp0。";
    PRINTER_NOT_FOUND:
        "There is no printer at “{path}”. Plug the thermal printer in and switch it on, then check its device name (such as /dev/usb/lp0); or leave the field empty to print to the system's printer.",
        "“{path}”处没有打印机。请连接并打开热敏打印机，再核对其设备名称（例如 /dev/usb/lp0）；或将此项留空，改用系统打印机打印。";
    IMPORT_REFUSED: "The import was refused. Fix the rows named in the report.", "导入被拒绝。请修正报告中列出的行。";
    NAME_ZH: "Chinese name", "中文名称";
    NAME_EN: "English name", "英文名称";
}
