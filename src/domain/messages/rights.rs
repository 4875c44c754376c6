//! People's rights: exports, imports, retention and erasure.

use super::texts;

texts! { ALL_RIGHTS;
    RETENTION_RANGE:
        "{days} days is not a usable retention period. Give 1 to 36500 days, or leave it empty for no limit.",
        "{days} 天不是可用的保存期限。请填写 1 至 36500 天，或留空表示不限。";
    RANGE_ENDS_BEFORE_START:
        "The date range ends before it starts. Put the first date before the last, or leave one of them out.",
        "日期范围的结束早于开始。请让开始日期早于结束日期，或留空其中之一。";
    NOT_A_DATE_OR_TIME:
        "“{value}” is not a date or time Consentry can read. Use 2026-05-01 or 2026-05-01T09:30:00+08:00.",
        "无法识别日期或时间“{value}”。请使用 2026-05-01 或 2026-05-01T09:30:00+08:00 的格式。";
    IMPORT_TOO_LARGE:
        "{path} is larger than {max_mib} MiB ({bytes} bytes or more); nothing was imported. Split it into smaller files of at most 100,000 rows and import each.",
        "{path} 超过 {max_mib} MiB（至少 {bytes} 字节），未导入任何内容。请拆分为每个不超过 100,000 行的文件，分别导入。";
}
