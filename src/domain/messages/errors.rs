//! What each kind of engine error says in the app (the fixed-shape ones; validation errors
//! carry their own text from the other areas).

use super::texts;

texts! { ALL_ERRORS;
    /// A command-line usage mistake, in the words the CLI composed.
    USAGE: "{problem} {fix}", "{problem} {fix}";
    WRONG_PASSPHRASE:
        "Wrong passphrase. Nothing was changed. Try again, or ask an administrator to reset it (Operators → Reset passphrase).",
        "密码错误，未做任何更改。请重试，或请管理员重置密码（操作员 → 重置密码）。";
    WRONG_RECOVERY_KEY:
        "That recovery key does not open this vault. Nothing was changed. Check it against the copy made when the vault was created.",
        "该恢复密钥无法打开此保险库，未做任何更改。请与创建保险库时保存的副本核对。";
    UNKNOWN_OPERATOR:
        "No operator named “{name}” can unlock this vault. Check the spelling; if you were disabled or never added, ask an administrator.",
        "没有名为“{name}”的操作员可以解锁此保险库。请检查拼写；如果您已被停用或尚未添加，请联系管理员。";
    OPERATOR_DISABLED:
        "Operator “{name}” is disabled. Ask an administrator to add you again.",
        "操作员“{name}”已停用。请联系管理员重新添加您。";
    PERMISSION_DENIED:
        "Your role ({role}) cannot do this: it needs {needed}. Nothing was changed. Ask an operator with that role.",
        "您的角色（{role}）无权执行此操作，需要：{needed}。未做任何更改。请联系具有相应角色的操作员。";
    VAULT_NOT_FOUND:
        "There is no vault at {path}. Create one, or choose an existing vault file.",
        "{path} 处没有保险库。请新建一个，或选择已有的保险库文件。";
    VAULT_EXISTS:
        "A vault already exists at {path}. Nothing was changed. Choose another place, or unlock the existing vault.",
        "{path} 处已有保险库，未做任何更改。请选择其他位置，或解锁现有保险库。";
    KEY_SLOTS:
        "The key-slot file beside the vault ({path}) {problem}. Without it the vault cannot be opened: restore it from your backup of the vault folder.",
        "保险库旁的密钥槽文件（{path}）{problem}。没有它就无法打开保险库：请从保险库文件夹的备份中恢复。";
    VAULT_DAMAGED:
        "The vault file {path} does not match its key-slot file or is damaged. Nothing was changed. Restore both files from the same backup.",
        "保险库文件 {path} 与其密钥槽文件不匹配或已损坏，未做任何更改。请从同一份备份中恢复这两个文件。";
    SCHEMA_TOO_NEW:
        "This vault has schema version {found}, but this Consentry understands up to {supported}. Nothing was changed. Install a newer Consentry to open it.",
        "此保险库的数据库结构版本为 {found}，而当前 Consentry 最高支持 {supported}。未做任何更改。请安装更新版本的 Consentry 后再打开。";
    MIGRATION_EDITED:
        "Migration {version} recorded in this vault differs from the one built into this Consentry. Nothing was changed. Use the Consentry release that created the vault.",
        "此保险库记录的第 {version} 号迁移与当前 Consentry 内置的不一致，未做任何更改。请使用创建该保险库的 Consentry 版本。";
    SCHEMA_ALTERED:
        "The vault's schema was changed outside Consentry ({objects}). Nothing was changed: Consentry writes nothing until an administrator restores it on Home (Verify, then Restore the schema).",
        "保险库的数据库结构在 Consentry 之外被改动（{objects}）。未做任何更改：在管理员于首页恢复之前（校验后点击“恢复数据库结构”），Consentry 不会写入任何内容。";
    PERSONAL_DATA_SEALED:
        "People's details open only with an admin's or legal operator's sign-in (or the recovery key). Nothing was changed. Ask an admin or legal operator; if you are one and this is new, your sign-in gets the key when another of them next unlocks the vault.",
        "个人信息明文只能由管理员或法务人员的登录（或恢复密钥）打开，未做任何更改。请联系管理员或法务人员；如果您就是其中之一且刚刚升级，待其他管理员或法务人员下次解锁后，您的登录即可获得密钥。";
    BUSY:
        "The vault is busy: another Consentry window or command is writing to it. Nothing was changed. Try again in a moment.",
        "保险库正忙：另一个 Consentry 窗口或命令正在写入，未做任何更改。请稍后再试。";
    WEAK_PASSPHRASE:
        "That passphrase is too short: use at least {min} characters (a few unrelated words work well).",
        "密码太短：至少需要 {min} 个字符（几个互不相关的词语效果很好）。";
    TEMPLATE:
        "Template “{template}” ({language}, line {line}) cannot be rendered: {problem}. Fix the template, then try again.",
        "模板“{template}”（{language}，第 {line} 行）无法生成：{problem}。请修改模板后重试。";
    LINT_ERRORS:
        "Notice “{notice}” has {count} compliance error(s), which block review and approval. Open the lint panel, fix each one, then try again.",
        "通知“{notice}”有 {count} 项合规错误，无法提交审核或批准。请打开检查面板逐项修正后重试。";
    OWN_APPROVAL:
        "You wrote version {number} of notice “{notice}”, so you cannot approve it. Nothing was changed. Another legal operator must review and approve it.",
        "通知“{notice}”的第 {number} 版由您撰写，因此您不能批准它，未做任何更改。须由另一位法务人员审核并批准。";
    IO:
        "Could not {action} {path}: {why}. Nothing was changed. Check that the folder exists and that you may write to it.",
        "无法{action} {path}：{why}。未做任何更改。请确认文件夹存在且您有写入权限。";
    STORAGE:
        "The vault could not complete this step. Nothing was changed. If this repeats, run Verify on Home and keep a copy of the vault folder for support.",
        "保险库未能完成此步骤，未做任何更改。如果反复出现，请在首页运行校验，并保留一份保险库文件夹副本以便技术支持。";
}
