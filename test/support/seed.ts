/**
 * Microsoft's published PlayReady test key seed (base64), the one seed literal in the tests. Source: Microsoft's
 * PlayReady Header Specification and PlayReady Server SDK documentation (the test key seed behind
 * test.playready.microsoft.com); the python `cpix` package tests and the Azure Media Services .NET SDK tests derive
 * their published content keys from it (see drm-vectors.ts).
 */
export const MICROSOFT_TEST_SEED_B64 = "XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I";
