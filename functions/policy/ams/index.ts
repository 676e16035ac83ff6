export * from "./odata";
export * from "./arm";
export * from "./tokenTemplate";
export { parseAmsXml, MAX_AMS_XML_BYTES } from "./xml";
export * from "./v2options";
