/**
 * The registry of rule families, in the order their findings are listed.
 */
import { bootRules } from './boot';
import { controllerRules } from './controllers';
import { diskRules } from './disks';
import { domainRules } from './domain';
import { hostRules } from './host';
import { hostdevRules } from './hostdevs';
import { interfaceRules } from './interfaces';
import { pciRules } from './pci';
import { schemaRules } from './schema-structure';
import { targetVersionRules } from './target-version';
import type { RuleFamily } from './types';
import { usbRules } from './usb';

export const RULE_FAMILIES: readonly RuleFamily[] = Object.freeze([
  domainRules,
  controllerRules,
  pciRules,
  usbRules,
  diskRules,
  bootRules,
  hostdevRules,
  interfaceRules,
  schemaRules,
  targetVersionRules,
  hostRules,
]);
