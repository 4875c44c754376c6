//! A receipt as the person's printable page, in the language they read the notice in: a
//! zh-CN receipt is Chinese throughout, an English one English. Each line names the data its
//! purpose uses and who it goes to, marks separate consents, and says how long it holds.

use super::*;
use crate::domain::html::{escape, page};

/// The person's printable copy, in the receipt's language.
pub fn to_html(r: &Receipt) -> String {
    let p = Profile::of(r);
    let lang = language(r);
    let zh = lang == Language::ZhCn;
    let w = |z: &'static str, e: &'static str| if zh { z } else { e };
    let pick = |(z, e): (String, String)| if zh { z } else { e };
    let list = |items: Vec<String>| items.join(if zh { "、" } else { ", " });
    let (title_zh, title_en) = title(r);
    let title = w(title_zh, title_en);
    let time = |t: &chrono::DateTime<chrono::FixedOffset>| escape(&t.format("%Y-%m-%d %H:%M %:z").to_string());
    let mut b = String::new();
    b.push_str(&format!("<h1>{title}</h1>\n"));
    b.push_str(&format!("<p>{}<br><span class=\"id\">{}</span></p>\n", w("回执编号", "Receipt ID"), escape(&r.id)));
    b.push_str(&format!("<p>{}{}</p>\n", w("签发时间：", "Issued: "), time(&r.issued_at)));
    let who: Vec<String> =
        [&r.subject.name, &r.subject.email, &r.subject.phone].iter().filter_map(|v| v.as_deref()).map(escape).collect();
    b.push_str(&format!(
        "<p>{}{} <span class=\"muted\">({})</span></p>\n",
        w("个人：", "Person: "),
        if who.is_empty() { "—".into() } else { who.join(" · ") },
        escape(&r.subject.id)
    ));
    if let Some(g) = given_by(r) {
        b.push_str(&format!("<p class=\"guardian\"><strong>{}</strong></p>\n", escape(&pick(g))));
    }
    let controller = p.both(&["controller", "name"]).map(pick).unwrap_or_else(|| w(NOT_STATED_ZH, NOT_STATED).into());
    b.push_str(&format!(
        "<p>{}{}{}</p>\n",
        w("个人信息处理者：", "Controller: "),
        escape(&controller),
        p.text(&["controller", "contact"]).map(|c| format!(" · {}", escape(&c))).unwrap_or_default()
    ));
    b.push_str(&format!(
        "<h2>{}</h2>\n<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        w("记录内容", "What was recorded"),
        w("目的", "Purpose"),
        w("选择", "Choice"),
        w("使用的个人信息", "Personal information used"),
        w("提供给", "Provided to"),
        w("告知书", "Notice"),
    ));
    for l in &r.lines {
        let facts = p.facts(&l.purpose);
        let (kz, ke) = choice_words(l.event.kind);
        let (vz, ve) = validity(l.event.kind);
        let mark = l
            .purpose
            .separate_consent
            .map(|k| format!("<br><span class=\"mark\">{}</span>", escape(k.label(zh))))
            .unwrap_or_default();
        let data = list(
            facts
                .categories
                .iter()
                .map(|c| {
                    let name = escape(&pick(c.name.clone()));
                    if c.sensitive {
                        format!("<strong>{name}{}</strong>", w("（敏感个人信息）", " (sensitive)"))
                    } else {
                        name
                    }
                })
                .collect(),
        );
        let mut to: Vec<String> = facts.recipients.iter().cloned().map(pick).map(|n| escape(&n)).collect();
        to.extend(
            facts.overseas.iter().cloned().map(pick).map(|n| format!("{}{}", escape(&n), w("（境外）", " (abroad)"))),
        );
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
            "<tr><td>{}{mark}</td><td><strong>{}</strong><br>{}<br><span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td>{notice}</td></tr>\n",
            escape(if zh { &l.purpose.name_zh } else { &l.purpose.name_en }),
            w(kz, ke),
            time(&l.event.captured_at),
            w(vz, ve),
            if data.is_empty() { "—".into() } else { data },
            if to.is_empty() { w("不提供给他人", "no one else").to_string() } else { list(to) },
        ));
    }
    b.push_str("</table>\n");
    let (wz, we) = withdrawal_method(&p, &r.id);
    b.push_str(&format!("<h2>{}</h2>\n<p>{}</p>\n", w("如何撤回", "How to withdraw"), escape(&pick((wz, we)))));
    if let Some(rights) = p.both(&["rights_channel"]).map(pick) {
        b.push_str(&format!("<h2>{}</h2>\n<p>{}</p>\n", w("您的权利", "Your rights"), escape(&rights)));
    }
    b.push_str(&format!(
        "<p class=\"muted\">{} {}</p>\n",
        w(
            "本回执由 Consentry 生成；每项记录都以其哈希值存于防篡改账本中。",
            "This receipt was produced by Consentry; each record is kept in a tamper-evident ledger under its hash."
        ),
        escape(KANTARA_VERSION)
    ));
    page(lang.as_str(), &format!("{title} {}", r.id), &b)
}
