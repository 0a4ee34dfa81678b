/**
 * The registry of rule families, in the order their findings are listed.
 */
import { bootRules } from './boot';
import { chardevRules } from './chardevs';
import { controllerRules } from './controllers';
import { cputuneRules } from './cputune';
import { diskSourceRules } from './disk-sources';
import { diskRules } from './disks';
import { domainRules } from './domain';
import { hostRules } from './host';
import { hostdevRules } from './hostdevs';
import { interfaceRules } from './interfaces';
import { iommuRules } from './iommu';
import { machineDeviceRules } from './machine-devices';
import { modelRules } from './models';
import { memoryRules } from './memory';
import { numaRules } from './numa';
import { pciRules } from './pci';
import { qemuNamespaceRules } from './qemu-namespace';
import { schemaRules } from './schema-structure';
import { sizeRules } from './sizes';
import { targetVersionRules } from './target-version';
import type { RuleFamily } from './types';
import { usbRules } from './usb';
import { videoRules } from './video';

export const RULE_FAMILIES: readonly RuleFamily[] = Object.freeze([
  domainRules,
  memoryRules,
  numaRules,
  cputuneRules,
  controllerRules,
  pciRules,
  usbRules,
  diskRules,
  diskSourceRules,
  bootRules,
  hostdevRules,
  interfaceRules,
  modelRules,
  videoRules,
  chardevRules,
  sizeRules,
  iommuRules,
  machineDeviceRules,
  qemuNamespaceRules,
  schemaRules,
  targetVersionRules,
  hostRules,
]);
