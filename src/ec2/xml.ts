/**
 * @module ec2/xml
 * EC2 query-protocol answers as EC2 writes them: `<ActionResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">`
 * with a requestId and `<item>` lists, and errors as `<Response><Errors><Error>…</Errors><RequestID>`.
 */

export const EC2_API_VERSION = "2016-11-15";
export const EC2_XMLNS = `http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/`;

/** An XML node: text (escaped when written), a list of nodes, or nothing (left out). */
export type Node = string | number | boolean | Element | Node[] | undefined;
interface Element {
  name: string;
  children: Node;
}

export function el(name: string, children: Node): Element {
  return { name, children };
}

/** `<name><item>…</item>…</name>`; left out when the list is empty, as EC2 leaves out empty sets. */
export function itemSet<T>(name: string, values: readonly T[], render: (v: T) => Node): Element | undefined {
  return values.length ? el(name, values.map((v) => el("item", render(v)))) : undefined;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

function write(node: Node): string {
  if (node === undefined) return "";
  if (Array.isArray(node)) return node.map(write).join("");
  if (typeof node === "object") {
    const inner = write(node.children);
    return node.children === undefined ? "" : `<${node.name}>${inner}</${node.name}>`;
  }
  return escape(String(node));
}

const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The answer to `action`. */
export function responseXml(action: string, requestId: string, body: Node[]): string {
  return `${PROLOG}<${action}Response xmlns="${EC2_XMLNS}">${write([el("requestId", requestId), ...body])}</${action}Response>`;
}

export function errorXml(code: string, message: string, requestId: string): string {
  return `${PROLOG}<Response>${write([el("Errors", el("Error", [el("Code", code), el("Message", message)])), el("RequestID", requestId)])}</Response>`;
}
