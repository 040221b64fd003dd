// The one part of the untyped `qrcode` package this module uses (default import, toString to SVG).
declare module "qrcode" {
  interface QRCodeToStringOptions {
    type: "svg" | "utf8" | "terminal";
    errorCorrectionLevel?: "L" | "M" | "Q" | "H";
    margin?: number;
    width?: number;
  }
  const QRCode: { toString(text: string, options: QRCodeToStringOptions): Promise<string> };
  export default QRCode;
}
