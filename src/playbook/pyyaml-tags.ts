import type { ScalarTag, Tags } from 'yaml';

const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const PYYAML_INT_TIME = /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/;

/**
 * The yaml package's YAML 1.1 tags, corrected where PyYAML (Ansible's loader) reads differently:
 * `y`/`n` stay strings, and so do dates.
 */
export function correctPyyamlTags(tags: Tags): Tags {
  const out: Tags = [];
  for (const tag of tags) {
    if (typeof tag !== 'object') {
      out.push(tag);
      continue;
    }
    if (tag.tag === 'tag:yaml.org,2002:timestamp') continue;
    if (tag.tag === 'tag:yaml.org,2002:bool' && 'test' in tag && tag.test) {
      out.push({ ...(tag as ScalarTag), test: tag.identify?.(true) ? PYYAML_TRUE : PYYAML_FALSE } as ScalarTag);
    } else if (tag.tag === 'tag:yaml.org,2002:int' && 'format' in tag && tag.format === 'TIME') {
      out.push({ ...(tag as ScalarTag), test: PYYAML_INT_TIME } as ScalarTag);
    } else out.push(tag);
  }
  return out;
}
