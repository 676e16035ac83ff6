/**
 * A streaming policy spec -> StreamingPolicy arguments, with the checks AMS applies (and what players refuse), and the
 * default-key label of each encrypted scheme (what locators reference).
 */
import type { ArmObject } from "../../functions/policy/ams";
import { clearTracks, commonEncryption, contentKeys, enabledProtocols } from "./render-common-encryption";
import {
  DEFAULT_KEY_LABELS,
  specError,
  type CbcsSpec,
  type EncryptedScheme,
  type StreamingPolicySpec,
} from "./render-streaming-spec";
import { validateUrlTemplate } from "./render-url-templates";

/** The StreamingPolicy arguments (minus account and resource group), after AMS's rules are checked. */
export interface StreamingPolicyArgsShape {
  streamingPolicyName: string;
  defaultContentKeyPolicyName?: string;
  commonEncryptionCenc?: ArmObject;
  commonEncryptionCbcs?: ArmObject;
  envelopeEncryption?: ArmObject;
  noEncryption?: ArmObject;
}

/**
 * Validates and renders a streaming policy. Refused (what AMS or the players refuse): no scheme; clear mixed with
 * encryption; Download with encryption; a scheme with no protocol or no DRM; FairPlay outside CBCS or without HLS;
 * Smooth Streaming in CBCS or without PlayReady; bad URL templates; duplicate labels.
 */
export function renderStreamingPolicy(spec: StreamingPolicySpec): StreamingPolicyArgsShape {
  if (!spec || typeof spec.name !== "string" || !/^[A-Za-z0-9_-]{1,260}$/.test(spec.name))
    throw specError("name must be 1..260 letters, digits, - or _");
  const { cenc, cbcs, envelope, clear } = spec;
  if (!cenc && !cbcs && !envelope && !clear) throw specError("choose at least one of cenc, cbcs, envelope, clear");
  if (clear && (cenc || cbcs || envelope))
    throw specError("'clear' (NoEncryption) cannot be combined with an encryption scheme in one streaming policy");
  const out: StreamingPolicyArgsShape = { streamingPolicyName: spec.name };
  if (spec.defaultContentKeyPolicyName) out.defaultContentKeyPolicyName = spec.defaultContentKeyPolicyName;

  if (clear)
    out.noEncryption = {
      enabledProtocols: enabledProtocols(clear.protocols, "clear", ["Dash", "Hls", "SmoothStreaming", "Download"]),
    };

  if (cenc) {
    if ((cenc as CbcsSpec).fairPlay)
      throw specError("FairPlay uses cbcs (SAMPLE-AES on HLS); it cannot be configured under cenc");
    if (!cenc.playReady && !cenc.widevine && !cenc.clearKey)
      throw specError("cenc needs playReady, widevine or clearKey");
    const ep = enabledProtocols(cenc.protocols, "cenc", ["Dash", "Hls", "SmoothStreaming"]);
    if (ep.smoothStreaming && !cenc.playReady)
      throw specError("cenc: Smooth Streaming carries PlayReady only; add playReady or drop SmoothStreaming");
    out.commonEncryptionCenc = commonEncryption("cenc", cenc, ep);
  }

  if (cbcs) {
    if (!cbcs.fairPlay && !cbcs.playReady && !cbcs.widevine && !cbcs.clearKey)
      throw specError("cbcs needs fairPlay, playReady, widevine or clearKey");
    const ep = enabledProtocols(cbcs.protocols, "cbcs", ["Dash", "Hls"]);
    if (cbcs.fairPlay && !ep.hls) throw specError("cbcs: FairPlay is delivered over HLS; enable Hls");
    out.commonEncryptionCbcs = commonEncryption("cbcs", cbcs, ep);
  }

  if (envelope) {
    const ep = enabledProtocols(envelope.protocols, "envelope", ["Dash", "Hls", "SmoothStreaming"]);
    if (envelope.customKeyAcquisitionUrlTemplate !== undefined)
      validateUrlTemplate(envelope.customKeyAcquisitionUrlTemplate, "envelope.customKeyAcquisitionUrlTemplate");
    out.envelopeEncryption = {
      ...clearTracks(envelope),
      enabledProtocols: ep,
      contentKeys: contentKeys(envelope, "envelope"),
      ...(envelope.customKeyAcquisitionUrlTemplate !== undefined
        ? { customKeyAcquisitionUrlTemplate: envelope.customKeyAcquisitionUrlTemplate }
        : {}),
    };
  }

  const labels = streamingPolicyLabels(spec).map((l) => l.label);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) throw specError(`content key label "${dup}" is used by two schemes`);
  return out;
}

/** The default-key label of each encrypted scheme in a spec (what locators must reference). */
export function streamingPolicyLabels(spec: StreamingPolicySpec): Array<{ scheme: EncryptedScheme; label: string }> {
  return (["cenc", "cbcs", "envelope"] as const)
    .filter((s) => spec[s])
    .map((s) => ({ scheme: s, label: spec[s]!.label ?? DEFAULT_KEY_LABELS[s] }));
}
