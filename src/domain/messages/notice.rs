//! Notices: profiles, templates, drafts, review and approval, registered texts, packets.

use super::texts;

texts! { ALL_NOTICE;
    SLUG_UNUSABLE:
        "“{name}” is not a usable name. Use 1–64 lower-case letters, digits, - and _, starting with a letter, such as trade-show-2026.",
        "“{name}”不能用作名称。请使用 1–64 个小写字母、数字、- 和 _，并以字母开头，例如 trade-show-2026。";
    PROFILE_LIST_TOO_LONG:
        "The profile field {path} lists {count} entries; at most {max} are kept. Group them, or keep the ones the notice must state.",
        "档案字段 {path} 列出了 {count} 项，最多保留 {max} 项。请合并，或只保留通知必须说明的项目。";
    PROFILE_TOO_LARGE:
        "The processing profile is {size_kib} KiB; at most {max_kib} KiB are read. Check that this is a profile file.",
        "处理档案大小为 {size_kib} KiB，最多读取 {max_kib} KiB。请确认这是一个处理档案文件。";
    PROFILE_NOT_VALID:
        "The processing profile is not valid: {detail}. Fix that line of the profile and try again.",
        "处理档案无效：{detail}。请修正档案中的该行后重试。";
    PROFILE_FRAMEWORK:
        "The profile names the framework “{value}”. Use pipl, gdpr or both.",
        "档案中的法律框架“{value}”无法识别。请使用 pipl、gdpr 或两者。";
    PROFILE_PURPOSE_UNKNOWN:
        "The profile lists purpose “{code}”, which is not in this vault's catalogue. Add the purpose under Purposes & categories, or fix the code.",
        "档案列出的目的“{code}”不在本保险库的目录中。请在“目的与类别”中添加该目的，或修正代码。";
    PROFILE_CATEGORY_UNKNOWN:
        "The profile lists data category “{code}”, which is not in this vault's catalogue. Add the category under Purposes & categories, or fix the code.",
        "档案列出的数据类别“{code}”不在本保险库的目录中。请在“目的与类别”中添加该类别，或修正代码。";
    PROFILE_NOT_FOUND:
        "There is no processing profile “{name}” in this vault. Save one in the Notices workspace first.",
        "此保险库中没有处理档案“{name}”。请先在“通知”工作区保存一个。";
    DOCX_FAILED:
        "The Word document could not be assembled. Export the HTML packet instead, and report this.",
        "无法生成 Word 文档。请改为导出 HTML 审核包，并报告此问题。";
    PACKET_EXTENSION:
        "{path} is neither an .html nor a .docx file name. End the file name with .html (print-ready page) or .docx (Word).",
        "{path} 既不是 .html 也不是 .docx 文件名。请以 .html（可打印页面）或 .docx（Word）结尾。";
    NOTICE_NO_TITLE: "The notice has no title. Give it a title, such as “Trade show consent 2026”.", "通知没有标题。请为其添加标题，例如“2026 展会同意书”。";
    NOTICE_TEXT_EMPTY: "The notice text is empty. Register the file that holds the wording people are shown.", "通知正文为空。请登记包含向人展示的文字的文件。";
    NOTICE_HIDDEN_CHARACTER:
        "The notice text has a hidden character U+{code} on line {line}; it can make the text read differently from what is stored. Remove it (retype the line) and try again.",
        "通知正文第 {line} 行含有隐藏字符 U+{code}，它会使显示的文字与存储的不一致。请删除该字符（重新输入该行）后重试。";
    NOTICE_VERSION_EXISTS:
        "This exact text is already registered as notice version {hash}. Nothing was changed; use the existing version.",
        "完全相同的文字已登记为通知版本 {hash}，未做任何更改；请使用现有版本。";
    NOTICE_VERSION_NOT_FOUND:
        "There is no notice version “{key}” in this vault. Check the list of notices and their versions.",
        "此保险库中没有通知版本“{key}”。请查看通知及其版本列表。";
    NOTICE_HASH_AMBIGUOUS:
        "More than one notice version starts with “{key}”. Type more of the hash.",
        "有多个通知版本以“{key}”开头。请输入更多哈希字符。";
    NOTICE_NOT_FOUND:
        "There is no notice “{name}” in this vault. Check the list of notices, or create one.",
        "此保险库中没有通知“{name}”。请查看通知列表，或新建通知。";
    NOTICE_EXISTS:
        "There is already a notice called “{name}”. Nothing was changed. Use another name, or open the existing one.",
        "已有名为“{name}”的通知，未做任何更改。请换一个名称，或打开现有通知。";
    NOTICE_TITLES_MISSING: "The notice needs a title in both languages. Give it a Chinese and an English title.", "通知需要中英文两种标题。请同时填写中文和英文标题。";
    TEMPLATE_OTHER_KIND:
        "“{name}” is already a {kind} template. Choose another name, or save it as the same kind.",
        "“{name}”已是{kind}模板。请换一个名称，或保存为同一类型。";
    TEMPLATE_TITLES_MISSING:
        "Template “{name}” needs a title in both languages. Give it a Chinese and an English title.",
        "模板“{name}”需要中英文两种标题。请同时填写中文和英文标题。";
    TEMPLATE_TOO_LARGE:
        "The {language} source of template “{name}” is {size_kib} KiB; the limit is {max_kib} KiB. Split it into clauses.",
        "模板“{name}”的{language}源文本为 {size_kib} KiB，上限为 {max_kib} KiB。请拆分为多个条款。";
    TEMPLATE_NOT_FOUND:
        "There is no template “{name}” in this vault. Check the template library; the starter library can be installed from it.",
        "此保险库中没有模板“{name}”。请查看模板库；也可以从模板库安装入门模板。";
    KIND_NOTICE: "notice", "通知";
    KIND_CLAUSE: "clause", "条款";
    CLAUSE_FORM_PIECE:
        "Piece {n} of the clause cannot be written: {problem}. Fix it in the form, or edit the source instead.",
        "条款的第 {n} 部分无法写入：{problem}。请在表单中修改，或改为编辑源文本。";
    CLAUSE_FORM_WHEN:
        "The condition or the comment of the clause holds template syntax (%} or #}). Write the condition as a value, such as recipients, or edit the source instead.",
        "条款的显示条件或注释含有模板语法（%} 或 #}）。请把条件写成一个值，例如 recipients，或改为编辑源文本。";
    CLAUSE_PROBLEM_LINES: "its words must be one line in each language", "每种语言的文字必须为一行";
    CLAUSE_PROBLEM_SYNTAX:
        "its words are empty, start or end with spaces, or hold template logic other than a value such as {{ controller.name }}",
        "文字为空、首尾有空格，或含有值（例如 {{ controller.name }}）以外的模板逻辑";
    CLAUSE_PROBLEM_MARK: "a section mark must be lower-case letters, digits, - or _", "章节标记只能由小写字母、数字、- 或 _ 组成";
    CLAUSE_PROBLEM_EACH: "a repeated piece needs a list and an entry name (letters, digits, _), and cannot be a heading", "重复的部分需要列表和条目名称（字母、数字、_），且不能是标题";
    VERSION_FROZEN:
        "Version {number} of notice “{notice}” is in review and frozen. Ask a reviewer to reject it (with a comment) to edit it again.",
        "通知“{notice}”的第 {number} 版正在审核中，已冻结。如需再次编辑，请审核人退回（并附意见）。";
    ONLY_DRAFT_SUBMITS:
        "Version {number} of notice “{notice}” is {state}. Only a draft can be submitted; start a new draft.",
        "通知“{notice}”的第 {number} 版处于{state}状态。只有草稿可以提交审核；请新建草稿。";
    ONLY_REVIEW_DECIDES:
        "Version {number} of notice “{notice}” is {state}. Only a version in review can be approved or rejected; the author submits it first.",
        "通知“{notice}”的第 {number} 版处于{state}状态。只有审核中的版本可以批准或退回；请作者先提交。";
    ONLY_APPROVED_RETIRES:
        "Version {number} of notice “{notice}” is {state}. Only an approved version can be retired.",
        "通知“{notice}”的第 {number} 版处于{state}状态。只有已批准的版本可以停用。";
    DRAFT_SAME_AS:
        "This draft is word for word the same as version {number} of “{notice}”. Change the profile or template and render the draft again, or keep using that version.",
        "此草稿与“{notice}”的第 {number} 版逐字相同。请修改处理档案或模板后重新生成草稿，或继续使用该版本。";
    COMMENT_EMPTY: "The comment is empty. Write what the author should look at.", "意见为空。请写明作者需要关注的内容。";
    REJECT_NEEDS_COMMENT: "A rejection needs a comment. Say what must change before it can be approved.", "退回需要附意见。请说明批准前必须修改的内容。";
    COMMENT_HIDDEN_CHARACTER: "The comment has a hidden control character. Retype it.", "意见中含有隐藏的控制字符。请重新输入。";
}
