// A receipt's QR code, drawn from the modules Rust computed (the code holds
// `CONSENTRY-RECEIPT:<id>`, which the kiosk's scanner reads back to withdraw).

export function Qr(props: { size: number; modules: boolean[]; id?: string }) {
  if (!props.size) return null;
  const n = props.size;
  const rects = [];
  for (let i = 0; i < props.modules.length; i++) {
    if (props.modules[i]) rects.push(<rect x={(i % n) + 4} y={Math.floor(i / n) + 4} width={1} height={1} />);
  }
  return (
    <svg class="qr" id={props.id ?? "receipt-qr"} viewBox={`0 0 ${n + 8} ${n + 8}`} width={180} height={180} role="img" aria-label="QR">
      <rect x={0} y={0} width={n + 8} height={n + 8} fill="#fff" />
      <g fill="#000">{rects}</g>
    </svg>
  );
}
