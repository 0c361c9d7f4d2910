/** Every tool, in the order tools/list shows them. */

import { applyAltUrls } from "./applyAltUrls.js";
import { checkConnection } from "./checkConnection.js";
import { copyAltUrls } from "./copyAltUrls.js";
import { deleteAltUrl } from "./deleteAltUrl.js";
import { enableAltUrlMode } from "./enableAltUrlMode.js";
import { exportAltUrls } from "./exportAltUrls.js";
import { listAltUrls } from "./listAltUrls.js";
import { listCampaigns } from "./listCampaigns.js";
import { listChanges } from "./listChanges.js";
import { listIngroups } from "./listIngroups.js";
import { listSystems } from "./listSystems.js";
import { listUrlDeliveries } from "./listUrlDeliveries.js";
import { planAltUrls } from "./planAltUrls.js";
import { previewDispoUrls } from "./previewDispoUrls.js";
import { disableAltUrl, enableAltUrl } from "./setActive.js";
import { setAltUrl } from "./setAltUrl.js";
import type { ToolDefinition } from "./shared/define.js";
import { testAltUrl } from "./testAltUrl.js";
import { undoChange } from "./undoChange.js";

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
  exportAltUrls,
  planAltUrls,
  applyAltUrls,
  listChanges,
  undoChange,
  testAltUrl,
  checkConnection,
  listSystems,
] as unknown as ToolDefinition[];
