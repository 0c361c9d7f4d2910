/** Every tool, in the order tools/list shows them. */
import { checkConnection } from "./checkConnection.js";
import { deleteAltUrl } from "./deleteAltUrl.js";
import { enableAltUrlMode } from "./enableAltUrlMode.js";
import type { ToolDefinition } from "./framework.js";
import { listAltUrls } from "./listAltUrls.js";
import { listCampaigns } from "./listCampaigns.js";
import { disableAltUrl, enableAltUrl } from "./setActive.js";
import { setAltUrl } from "./setAltUrl.js";

export const ALL_TOOLS: ToolDefinition[] = [
  listCampaigns,
  listAltUrls,
  setAltUrl,
  enableAltUrl,
  disableAltUrl,
  deleteAltUrl,
  enableAltUrlMode,
  checkConnection,
] as unknown as ToolDefinition[];
