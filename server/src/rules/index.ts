/**
 * The registry of rule families, in the order their findings are listed.
 */
import { audioRules } from './audio';
import { bootRules } from './boot';
import { chardevRules } from './chardevs';
import { clockRules } from './clock';
import { controllerRules } from './controllers';
import { cpuRules } from './cpu';
import { cputuneRules } from './cputune';
import { diskSourceRules } from './disk-sources';
import { diskRules } from './disks';
import { domainRules } from './domain';
import { featureRules } from './features';
import { firmwareRules } from './firmware';
import { filesystemRules } from './filesystems';
import { graphicsRules } from './graphics';
import { hostRules } from './host';
import { hostdevRules } from './hostdevs';
import { inputRules } from './input';
import { interfaceRules } from './interfaces';
import { iommuRules } from './iommu';
import { machineDeviceRules } from './machine-devices';
import { modelRules } from './models';
import { memoryRules } from './memory';
import { numaRules } from './numa';
import { pciRules } from './pci';
import { peripheralRules } from './peripherals';
import { qemuNamespaceRules } from './qemu-namespace';
import { schemaRules } from './schema-structure';
import { sizeRules } from './sizes';
import { targetVersionRules } from './target-version';
import { tpmRules } from './tpm';
import type { RuleFamily } from './types';
import { usbRules } from './usb';
import { videoRules } from './video';

export const RULE_FAMILIES: readonly RuleFamily[] = Object.freeze([
  domainRules,
  firmwareRules,
  clockRules,
  featureRules,
  cpuRules,
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
  filesystemRules,
  tpmRules,
  inputRules,
  graphicsRules,
  audioRules,
  peripheralRules,
  sizeRules,
  iommuRules,
  machineDeviceRules,
  qemuNamespaceRules,
  schemaRules,
  targetVersionRules,
  hostRules,
]);
