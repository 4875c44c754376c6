// Strings of the administrator's tools (backups, key rotation), in English and Simplified
// Chinese (merged into i18n.ts).

export const adminEn = {
  disabledAndRotated: "{name} is disabled. The keys were rotated: a copy of the key-slot file {name} may have kept opens nothing written from now on. Make a new backup.",
  rotateTitle: "Rotate keys",
  rotateHint: "Gives the vault a new data key and a new key for people's details, so that a copy of the key-slot file taken before opens nothing written after. Every operator's passphrase and the recovery key keep working. Close other Consentry windows on this vault first, and make a new backup afterwards.",
  rotateKeys: "Rotate keys now",
  rotating: "Rotating keys…",
  confirmRotate: "Rotate the vault's keys now? Other Consentry windows on this vault must be closed.",
  keysRotated: "Keys rotated: the data key and the key for people's details. Make a new backup.",
  dataKeyRotated: "Data key rotated (headquarters keeps its key for people's details: its devices seal to it). Make a new backup.",
  backupTitle: "Back up the vault",
  backupHint: "Writes an encrypted copy of the vault and its key-slot file into the export folder, while you go on working. Keep both files together, as safe as the vault; the passphrases and the recovery key valid now open it. To restore one, see Backups in the guide.",
  backupNow: "Back up now",
  backingUp: "Backing up…",
  backupDone: "Backup written: {db} and {keys} ({events} consent events, {kib} KiB).",
};

export const adminZh: Record<keyof typeof adminEn, string> = {
  disabledAndRotated: "已停用 {name}。密钥已轮换：{name} 可能保留的密钥槽文件副本无法打开此后写入的任何内容。请重新备份。",
  rotateTitle: "轮换密钥",
  rotateHint: "为保险库生成新的数据密钥和新的个人信息密钥，使此前取得的密钥槽文件副本无法打开此后写入的内容。所有操作员的密码和恢复密钥仍然有效。请先关闭此保险库的其他 Consentry 窗口，轮换后请重新备份。",
  rotateKeys: "立即轮换密钥",
  rotating: "正在轮换密钥…",
  confirmRotate: "现在轮换保险库的密钥？必须先关闭此保险库的其他 Consentry 窗口。",
  keysRotated: "密钥已轮换：数据密钥和个人信息密钥。请重新备份。",
  dataKeyRotated: "数据密钥已轮换（总部保留其个人信息密钥：其设备以此加密）。请重新备份。",
  backupTitle: "备份保险库",
  backupHint: "将保险库的加密副本及其密钥槽文件写入导出文件夹，备份期间可继续工作。请将两个文件放在一起，并像保险库一样妥善保管；当前有效的密码和恢复密钥均可打开它。如需恢复，请参阅使用指南中的“备份”一节。",
  backupNow: "立即备份",
  backingUp: "正在备份…",
  backupDone: "备份已写入：{db} 和 {keys}（{events} 条同意记录，{kib} KiB）。",
};
