// Strings of People: finding a person (what a search matched) and their history, in English
// and Simplified Chinese (merged into i18n.ts).

export const peopleEn = {
  searchPlaceholder: "Search by name, email, @domain, phone or receipt ID",
  mo_name: "name starts “{q}”",
  mo_email: "e-mail starts “{q}”",
  mo_whole_email: "the whole e-mail",
  mo_phone: "phone starts {q}",
  mo_phone_end: "phone ends {q}",
  mo_receipt: "holds receipt {q}",
  mo_domain: "e-mail domain {q}",
  byGuardian: "given by a parent or guardian",
  searchLookAlike: "Rows look alike? Compare what each was found by and when and where it was last recorded, or open one and check the e-mail or phone the person gives.",
};

export const peopleZh: Record<keyof typeof peopleEn, string> = {
  searchPlaceholder: "按姓名、邮箱、@域名、电话或回执编号搜索",
  mo_name: "姓名以“{q}”开头",
  mo_email: "邮箱以“{q}”开头",
  mo_whole_email: "完整邮箱",
  mo_phone: "电话以 {q} 开头",
  mo_phone_end: "电话尾号 {q}",
  mo_receipt: "持有回执 {q}",
  mo_domain: "邮箱域名 {q}",
  byGuardian: "由父母或其他监护人代为作出",
  searchLookAlike: "结果看起来相似？请对照每行的匹配依据以及最近记录的时间和活动，或打开一行，核对对方提供的邮箱或电话。",
};
