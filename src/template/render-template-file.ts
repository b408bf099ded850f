/**
 * A template file of a module (template, nginx_site) by its kind: a *.mustache source is rendered
 * with mustache, any other (*.j2 and the rest) with Jinja2 as Ansible's template module renders.
 */
import { renderMustache } from './mustache/render.js';
import { renderTemplateFile } from './render.js';

export function isMustacheSource(source: string | undefined): boolean {
  return source !== undefined && source.endsWith('.mustache');
}

export function renderTemplateSource(text: string, vars: Record<string, unknown>, source?: string): string {
  return isMustacheSource(source) ? renderMustache(text, vars) : renderTemplateFile(text, vars, source);
}
