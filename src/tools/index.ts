/** Every tool, in the order tools/list shows them. */
import { checkConnection } from "./checkConnection.js";
import { copyAltUrls } from "./copyAltUrls.js";
import { deleteAltUrl } from "./deleteAltUrl.js";
import { enableAltUrlMode } from "./enableAltUrlMode.js";
import { listAltUrls } from "./listAltUrls.js";
import { listCampaigns } from "./listCampaigns.js";
import { listIngroups } from "./listIngroups.js";
import { listUrlDeliveries } from "./listUrlDeliveries.js";
import { previewDispoUrls } from "./previewDispoUrls.js";
import { disableAltUrl, enableAltUrl } from "./setActive.js";
import { setAltUrl } from "./setAltUrl.js";
import type { ToolDefinition } from "./shared/define.js";
import { testAltUrl } from "./testAltUrl.js";

export const ALL_TOOLS: ToolDefinition[] = [
  listCampaigns,
  listIngroups,
  listAltUrls,
  previewDispoUrls,
  listUrlDeliveries,
  setAltUrl,
  enableAltUrl,
  disableAltUrl,
  deleteAltUrl,
  enableAltUrlMode,
  copyAltUrls,
  testAltUrl,
  checkConnection,
] as unknown as ToolDefinition[];
