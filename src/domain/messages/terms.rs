//! Words used inside sentences: roles, languages, file actions and the operating system's
//! reasons, what is wrong with a key-slot file, notice states, person fields and ways of
//! collecting consent.

use super::{texts, Text};
use crate::domain::{Language, Role};

texts! { ALL_TERMS;
    ROLE_ADMIN: "admin", "管理员";
    ROLE_LEGAL: "legal", "法务";
    ROLE_MARKETER: "marketer", "市场人员";
    ROLE_KIOSK: "kiosk", "自助终端";
    LANG_ZH: "Chinese", "中文";
    LANG_EN: "English", "英文";

    IO_READ: "read", "读取";
    IO_WRITE: "write", "写入";
    IO_CREATE: "create", "创建";
    IO_CREATE_FOLDER: "create the folder", "创建文件夹";
    IO_COPY: "copy", "复制";
    IO_MOVE_ASIDE: "move aside", "移开";
    IO_PUT_IN_PLACE: "put in place", "放置";
    IO_PROTECT: "protect", "设置权限";
    IO_REMOVE: "remove", "删除";
    IO_PRINT: "print to", "打印到";
    WHY_NOT_FOUND: "it does not exist", "文件或文件夹不存在";
    WHY_DENIED: "permission denied", "没有权限";
    WHY_EXISTS: "it already exists", "已经存在";
    WHY_FULL: "the disk is full", "磁盘已满";
    WHY_READ_ONLY: "the disk is read-only", "磁盘为只读";
    WHY_OTHER: "the system refused", "系统拒绝了该操作";

    SLOTS_MISSING: "is missing", "缺失";
    SLOTS_UNREADABLE: "cannot be read", "无法读取";
    SLOTS_INVALID: "is not a valid key-slot file", "不是有效的密钥槽文件";
    SLOTS_FORMAT: "has a format this Consentry does not know", "的格式当前 Consentry 无法识别";
    SLOTS_STALE:
        "does not hold this database's key (the keys were rotated after it was made); use the key-slot file that belongs with the database",
        "不含此数据库的密钥（该文件生成后密钥已轮换）；请使用与数据库配套的密钥槽文件";

    STATE_DRAFT: "a draft", "草稿";
    STATE_IN_REVIEW: "in review", "审核中";
    STATE_APPROVED: "approved", "已批准";
    STATE_RETIRED: "retired", "已停用";

    FIELD_NAME: "name", "姓名";
    FIELD_EMAIL: "e-mail address", "电子邮箱";
    FIELD_PHONE: "phone number", "手机号码";
    FIELD_COMPANY: "company", "公司";
    FIELD_JOB_TITLE: "job title", "职位";
    FIELD_GUARDIAN: "guardian's name", "监护人姓名";

    METHOD_KIOSK: "kiosk", "自助终端";
    METHOD_DESK: "desk", "服务台";
    METHOD_PAPER: "paper form", "纸质表格";
    METHOD_IMPORT: "import", "导入";
    METHOD_IN_PERSON: "in person", "当面";
    METHOD_EMAIL: "e-mail", "电子邮件";
    METHOD_LETTER: "letter", "信函";
    METHOD_PHONE: "phone", "电话";
    METHOD_WEB: "web", "网页";
}

/// A person's detail, by its stored name (`name`, `email`, `job_title`, `guardian_name` …).
pub fn field(field: &str) -> &'static Text {
    match field {
        "email" => &FIELD_EMAIL,
        "phone" => &FIELD_PHONE,
        "company" => &FIELD_COMPANY,
        "job_title" => &FIELD_JOB_TITLE,
        "guardian_name" => &FIELD_GUARDIAN,
        _ => &FIELD_NAME,
    }
}

/// A notice version's state, by its stored name.
pub fn notice_state(state: &str) -> &'static Text {
    match state {
        "in_review" => &STATE_IN_REVIEW,
        "approved" => &STATE_APPROVED,
        "retired" => &STATE_RETIRED,
        _ => &STATE_DRAFT,
    }
}

/// A way of collecting or withdrawing consent, by its stored name.
pub fn method(method: &str) -> &'static Text {
    match method {
        "desk" => &METHOD_DESK,
        "paper" => &METHOD_PAPER,
        "import" => &METHOD_IMPORT,
        "in_person" => &METHOD_IN_PERSON,
        "email" => &METHOD_EMAIL,
        "letter" => &METHOD_LETTER,
        "phone" => &METHOD_PHONE,
        "web" => &METHOD_WEB,
        _ => &METHOD_KIOSK,
    }
}

/// A role's name.
pub fn role(role: Role) -> &'static Text {
    match role {
        Role::Admin => &ROLE_ADMIN,
        Role::Legal => &ROLE_LEGAL,
        Role::Marketer => &ROLE_MARKETER,
        Role::Kiosk => &ROLE_KIOSK,
    }
}

/// A language's name.
pub fn language(language: Language) -> &'static Text {
    match language {
        Language::ZhCn => &LANG_ZH,
        Language::En => &LANG_EN,
    }
}

/// The operating system's reason, in words.
pub fn io_reason(kind: &std::io::ErrorKind) -> &'static Text {
    use std::io::ErrorKind as K;
    match kind {
        K::NotFound => &WHY_NOT_FOUND,
        K::PermissionDenied => &WHY_DENIED,
        K::AlreadyExists => &WHY_EXISTS,
        K::StorageFull => &WHY_FULL,
        K::ReadOnlyFilesystem => &WHY_READ_ONLY,
        _ => &WHY_OTHER,
    }
}
