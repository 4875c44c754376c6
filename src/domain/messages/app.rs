//! What the desktop shell itself says when it refuses a call (no engine error behind it).

use super::texts;

texts! { ALL_APP;
    LOCKED: "The vault is locked. Unlock it to continue.", "保险库已锁定，请先解锁。";
    ALREADY_UNLOCKED: "The vault is already unlocked. Lock it first.", "保险库已解锁，请先锁定。";
    INTERNAL:
        "Something went wrong and nothing was changed. Lock the vault and try again.",
        "出现问题，未做任何更改。请锁定保险库后重试。";
    KIOSK_CLOSED:
        "Kiosk mode is not running. Start it from Events in the main window.",
        "自助模式未运行。请在主窗口的“活动”中启动。";
    KIOSK_RUNNING:
        "The kiosk is running: this window does nothing until it is left.",
        "自助终端正在运行：退出之前，此窗口不执行任何操作。";
    KIOSK_WINDOW_ONLY: "Only the kiosk window may do this.", "只有自助终端窗口可以执行此操作。";
    FILE_NOT_WHOLE:
        "“{name}” did not arrive whole from the window. Nothing was imported. Pick the file again.",
        "“{name}”未完整传入，未导入任何内容。请重新选择文件。";
    SIGNATURE_UNREADABLE:
        "The signature could not be read. Clear the signature pad and sign again.",
        "无法读取签名。请清除签名板后重新签名。";
    RETIRE_WHICH: "Which version should be retired? Choose a version.", "要停用哪个版本？请选择一个版本。";
}
