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
    CSV_NOT_UTF8:
        "The file is not UTF-8 text. Save it as “CSV UTF-8” and import it again.",
        "文件不是 UTF-8 文本。请另存为“CSV UTF-8”后重新导入。";
    CSV_UNREADABLE:
        "The file cannot be read as CSV ({detail}). Save it from the spreadsheet as CSV and import it again.",
        "无法按 CSV 读取该文件（{detail}）。请在表格软件中另存为 CSV 后重新导入。";
    CSV_QUOTE_NEVER_CLOSED:
        "A quoted cell is never closed. Check for a missing {quote}.",
        "有一个带引号的单元格没有结束。请检查是否缺少 {quote}。";
    CSV_TEXT_AFTER_QUOTE:
        "Text follows a closing quote. Inside a quoted cell, write a quote mark twice ({quotes}).",
        "右引号后还有文字。在带引号的单元格中，引号要连写两个（{quotes}）。";
    CSV_QUOTE_IN_MIDDLE:
        "A quote mark stands in the middle of a cell. Put the whole cell in quotes and write the quote mark twice ({quotes}).",
        "单元格中间有引号。请给整个单元格加上引号，并把其中的引号连写两个（{quotes}）。";
    IMPORT_FILE_TOO_LARGE:
        "The file is larger than {max_mib} MiB. Split it into smaller files and import each.",
        "文件超过 {max_mib} MiB。请拆分为较小的文件，分别导入。";
    IMPORT_EMPTY:
        "The file is empty. Its first line must name the columns.",
        "文件是空的。第一行应为各列的名称。";
    IMPORT_NO_ROWS:
        "The file has a header but no rows. Add a row for each decision to import.",
        "文件只有表头，没有数据行。请为每项要导入的决定添加一行。";
    IMPORT_TOO_MANY_ROWS:
        "The file has more than {max} rows. Split it into smaller files and import each.",
        "文件超过 {max} 行。请拆分为较小的文件，分别导入。";
    IMPORT_UNKNOWN_COLUMN:
        "“{column}” is not a column Consentry knows. The columns are {columns}.",
        "无法识别列“{column}”。可用的列为 {columns}。";
    IMPORT_COLUMN_TWICE:
        "The column “{column}” appears twice. Keep one of them.",
        "列“{column}”出现了两次。请只保留其中一列。";
    IMPORT_COLUMN_MISSING:
        "The column “{column}” is missing. Add it to the first line.",
        "缺少列“{column}”。请在第一行加上该列。";
    IMPORT_NO_CONTACT_COLUMN:
        "The file needs an “email” or a “phone” column to find people by.",
        "文件需要“email”列或“phone”列，才能找到对应的人员。";
    IMPORT_CELL_COUNT:
        "This row has {cells} cells but the header names {columns} columns. Check for a missing or extra comma.",
        "该行有 {cells} 个单元格，而表头有 {columns} 列。请检查是否缺少或多出逗号。";
    IMPORT_BAD_EMAIL:
        "This is not an e-mail address (name@example.com).",
        "这不是有效的电子邮件地址（例如 name@example.com）。";
    IMPORT_BAD_PHONE:
        "This is not a phone number. Give 5 to 15 digits, with + and the country code for a number outside China.",
        "这不是有效的电话号码。请填写 5 至 15 位数字，中国大陆以外的号码请加 + 和国家代码。";
    IMPORT_NO_CONTACT:
        "The row has neither an e-mail nor a phone number, so the person could never be found. Add one of them.",
        "该行既没有电子邮件也没有电话号码，将无法找到此人。请至少填写一项。";
    IMPORT_UNKNOWN_PURPOSE:
        "“{code}” is not a purpose in this vault. Add it to the catalogue or correct the code.",
        "“{code}”不是本保险库中的目的。请在目录中添加，或更正代码。";
    IMPORT_BAD_DECISION:
        "“{value}” is not a decision. Write grant, refuse or withdraw.",
        "“{value}”不是可识别的决定。请填写 grant、refuse 或 withdraw。";
    IMPORT_FUTURE_TIME:
        "This time is in the future. Give the time the person signed.",
        "该时间晚于当前时间。请填写此人签署的时间。";
    IMPORT_NOTICE_NEEDED:
        "A grant or refusal needs the notice version the person was shown. Fill in the notice column: the version's hash, or the notice's name and version number, such as trade-show-2026 v3.",
        "同意或拒绝须注明此人看到的通知版本。请填写 notice 列：该版本的哈希值，或通知名称和版本号，例如 trade-show-2026 v3。";
    IMPORT_NOTICE_NOT_APPROVED:
        "Notice {hash} is {state}, not approved. Give an approved version.",
        "通知 {hash} 的状态为{state}，尚未批准。请填写已批准的版本。";
    IMPORT_NOTICE_NO_VERSION:
        "There is no version {number} of notice “{name}”. Check the name and the number on the Notices screen, or give the version's hash.",
        "通知“{name}”没有第 {number} 版。请在“通知”页面核对名称和版本号，或填写该版本的哈希值。";
    IMPORT_NOTICE_NEEDS_LANGUAGE:
        "Version {number} of notice “{name}” has a Chinese and an English wording. Add a language column (zh-CN or en) saying which one the person read, or give that wording's hash.",
        "通知“{name}”第 {number} 版有中文和英文两种文本。请添加 language 列（zh-CN 或 en）注明此人阅读的是哪一种，或填写该文本的哈希值。";
    IMPORT_BAD_LANGUAGE:
        "“{value}” is not a language Consentry knows. Write zh-CN or en.",
        "无法识别语言“{value}”。请填写 zh-CN 或 en。";
    IMPORT_BAD_EVIDENCE:
        "The evidence note is longer than 500 characters or holds control characters. Shorten it.",
        "证据说明超过 500 个字符或包含控制字符。请缩短并删除控制字符。";
    IMPORT_ERASED:
        "This person's data was erased at their request, and an import must not bring it back. Remove the row.",
        "此人的数据已应其请求删除，导入不得恢复。请删除该行。";
}
