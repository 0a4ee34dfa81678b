/**
 * The registry of rule families, in the order their findings are listed.
 */
import { bootRules } from './boot';
import { controllerRules } from './controllers';
import { cputuneRules } from './cputune';
import { diskRules } from './disks';
import { domainRules } from './domain';
import { hostdevRules } from './hostdevs';
import { interfaceRules } from './interfaces';
import { memoryRules } from './memory';
import { numaRules } from './numa';
import { pciRules } from './pci';
import { schemaRules } from './schema-structure';
import type { RuleFamily } from './types';
import { usbRules } from './usb';

export const RULE_FAMILIES: readonly RuleFamily[] = Object.freeze([
  domainRules,
  memoryRules,
  numaRules,
  cputuneRules,
  controllerRules,
  pciRules,
  usbRules,
  diskRules,
  bootRules,
  hostdevRules,
  interfaceRules,
  schemaRules,
]);
