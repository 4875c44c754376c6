//! A receipt as the person's printable page, in Simplified Chinese and English.

use super::*;
use crate::domain::html::{escape, page};

/// The person's printable copy, in Simplified Chinese and English.
pub fn to_html(r: &Receipt) -> String {
    let p = Profile::of(r);
    let (title_zh, title_en) = title(r.kind);
    let mut b = String::new();
    b.push_str(&format!("<h1>{title_zh} <span class=\"en\">{title_en}</span></h1>\n"));
    b.push_str(&format!(
        "<p>回执编号 <span class=\"en\">Receipt ID</span><br><span class=\"id\">{}</span></p>\n",
        escape(&r.id)
    ));
    b.push_str(&format!(
        "<p>签发时间 <span class=\"en\">Issued</span>: {}</p>\n",
        escape(&r.issued_at.format("%Y-%m-%d %H:%M %:z").to_string())
    ));
    let who: Vec<String> =
        [&r.subject.name, &r.subject.email, &r.subject.phone].iter().filter_map(|v| v.as_deref()).map(escape).collect();
    b.push_str(&format!(
        "<p>个人 <span class=\"en\">Person</span>: {} <span class=\"muted\">({})</span></p>\n",
        if who.is_empty() { "—".into() } else { who.join(" · ") },
        escape(&r.subject.id)
    ));
    let (cz, ce) = p.both(&["controller", "name"]).unwrap_or_else(|| ("未说明".into(), NOT_STATED.into()));
    b.push_str(&format!(
        "<p>个人信息处理者 <span class=\"en\">Controller</span>: {} <span class=\"en\">{}</span>{}</p>\n",
        escape(&cz),
        escape(&ce),
        p.text(&["controller", "contact"]).map(|c| format!(" · {}", escape(&c))).unwrap_or_default()
    ));
    b.push_str("<h2>记录内容 <span class=\"en\">What was recorded</span></h2>\n<table>\n<tr><th>目的 <span class=\"en\">Purpose</span></th><th>选择 <span class=\"en\">Choice</span></th><th>时间 <span class=\"en\">Time</span></th><th>告知书 <span class=\"en\">Notice</span></th></tr>\n");
    for l in &r.lines {
        let (kz, ke) = choice_words(l.event.kind);
        let notice = match (&l.notice, &l.event.notice_hash) {
            (Some(n), _) => format!(
                "{} ({})<br><code>{}</code>",
                escape(&n.title),
                escape(n.language.as_str()),
                escape(&n.hash[..16.min(n.hash.len())])
            ),
            (None, Some(h)) => format!("<code>{}</code>", escape(h)),
            (None, None) => "—".into(),
        };
        b.push_str(&format!(
            "<tr><td>{} <span class=\"en\">{}</span></td><td><strong>{kz}</strong> <span class=\"en\">{ke}</span></td><td>{}</td><td>{notice}</td></tr>\n",
            escape(&l.purpose.name_zh),
            escape(&l.purpose.name_en),
            escape(&l.event.captured_at.format("%Y-%m-%d %H:%M %:z").to_string()),
        ));
    }
    b.push_str("</table>\n");
    let (wz, we) = withdrawal_method(&p, &r.id);
    b.push_str(&format!(
        "<h2>如何撤回 <span class=\"en\">How to withdraw</span></h2>\n<p>{}</p>\n<p class=\"en\">{}</p>\n",
        escape(&wz),
        escape(&we)
    ));
    let (rz, re) = p.both(&["rights_channel"]).unwrap_or_else(|| {
        (
            "您可以查阅、复制、更正、删除您的个人信息。".into(),
            "You may access, copy, correct and delete your personal information.".into(),
        )
    });
    b.push_str(&format!(
        "<h2>您的权利 <span class=\"en\">Your rights</span></h2>\n<p>{}</p>\n<p class=\"en\">{}</p>\n",
        escape(&rz),
        escape(&re)
    ));
    b.push_str(&format!(
        "<p class=\"muted\">本回执由 Consentry 生成；每项记录都以其哈希值存于防篡改账本中。 This receipt was produced by Consentry; each record is kept in a tamper-evident ledger under its hash. {}</p>\n",
        escape(KANTARA_VERSION)
    ));
    page("zh-CN", &format!("{title_zh} {title_en} {}", r.id), &b)
}
