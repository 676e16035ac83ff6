/**
 * The SPEKE exchanges of a packaging run, for someone learning SPEKE (the demo page shows them).
 */
import { kidToUuid } from "../functions/keys/kid";
import {
  spekeEndpoint,
  SYSTEM_NAMES,
  type Scheme,
  type SpekeKey,
  type SpekeRequestSpec,
  type TrackType,
} from "./speke-client";

/**
 * A SPEKE exchange for someone learning it (the demo page shows it): what was asked and what came back, with no key
 * material: KIDs, track types, DRM systems, the sizes of the PSSH boxes and the HLS lines (public signalling).
 */
export interface SpekeExchangeSummary {
  purpose: string;
  endpoint: string;
  request: {
    spekeVersion: "2.0";
    cpixVersion: "2.3";
    contentId: string;
    commonEncryptionScheme: Scheme;
    /** the encryption contract (AWS spelling for MediaPackage v1 / CloudFormation) */
    presets: { video: string; audio: string };
    keys: { kid: string; intendedTrackType: TrackType }[];
    drmSystems: { name: string; systemId: string; asks: string[] }[];
  };
  response: {
    keys: {
      kid: string;
      intendedTrackType?: string;
      systems: {
        name: string;
        systemId: string;
        psshBytes?: number;
        contentProtectionData?: boolean;
        hlsMedia?: string;
        hlsMaster?: string;
      }[];
    }[];
  };
}

export function summarizeExchange(
  purpose: string,
  spec: SpekeRequestSpec,
  keys: SpekeKey[],
  url: string,
): SpekeExchangeSummary {
  const shared = spec.keys.some((k) => k.trackType === "ALL");
  const name = (id: string) => SYSTEM_NAMES[id] ?? id;
  return {
    purpose,
    endpoint: spekeEndpoint(url),
    request: {
      spekeVersion: "2.0",
      cpixVersion: "2.3",
      contentId: spec.contentId,
      commonEncryptionScheme: spec.scheme,
      presets: shared
        ? { video: "SHARED", audio: "SHARED" }
        : {
            video: "PRESET-VIDEO-1",
            audio: spec.keys.some((k) => k.trackType === "AUDIO") ? "PRESET-AUDIO-1" : "UNENCRYPTED",
          },
      keys: spec.keys.map((k) => ({ kid: kidToUuid(k.kid), intendedTrackType: k.trackType })),
      drmSystems: spec.systems.map((s) => ({
        name: name(s.systemId),
        systemId: s.systemId,
        asks: [
          ...(s.pssh ? ["PSSH"] : []),
          ...(s.contentProtectionData ? ["ContentProtectionData"] : []),
          ...(s.hls ? ["HLSSignalingData"] : []),
        ],
      })),
    },
    response: {
      keys: keys.map((k) => ({
        kid: kidToUuid(k.kid),
        ...(k.trackType ? { intendedTrackType: k.trackType } : {}),
        systems: k.systems.map((s) => ({
          name: name(s.systemId),
          systemId: s.systemId,
          ...(s.pssh ? { psshBytes: s.pssh.length } : {}),
          ...(s.contentProtectionData ? { contentProtectionData: true } : {}),
          ...(s.hlsMedia ? { hlsMedia: s.hlsMedia } : {}),
          ...(s.hlsMaster ? { hlsMaster: s.hlsMaster } : {}),
        })),
      })),
    },
  };
}
