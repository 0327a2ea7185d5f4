import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocPage } from '../contract/markdown.js';

const fixture = readFileSync(new URL('./fixtures/docs/contoso-widgetflow.md', import.meta.url), 'utf8');

describe('Graph docs markdown parser on a page written for this project', () => {
  const page = parseDocPage('contoso-widgetflow.md', fixture);

  it('reads front matter, namespace, abstractness and base type', () => {
    expect(page.title).toBe('widgetFlow resource type');
    expect(page.docType).toBe('resourcePageType');
    expect(page.namespace).toBe('contoso.widgets');
    expect(page.abstract).toBe(true);
    expect(page.inheritsFrom).toBe('baseFlow');
  });

  it('reads the Properties table, including a cell broken over two lines', () => {
    const props = page.tables.Properties;
    expect(props.map((p) => p.name)).toEqual(['id', 'label', 'recipients', 'mode', 'lastError']);
    const recipients = props[2];
    expect(recipients).toMatchObject({ type: 'String', collection: true });
    expect(recipients.description).toContain('At most three entries.');
    expect(props[0].readOnly).toBe(true);
    expect(props[3].enumValues).toEqual(['air', 'sea', 'rail', 'unknownFutureValue']);
    expect(props[4]).toMatchObject({ type: 'contoso.widgets.problem', unknownType: true });
  });

  it('reads relationships with linked types', () => {
    expect(page.tables.Relationships[0]).toMatchObject({ name: 'shipments', type: 'contoso.widgets.shipment', collection: true });
  });

  it('reads Required/Optional flags of a request body table', () => {
    const body = page.tables['Request body'];
    expect(body.map((p) => [p.name, p.requirement])).toEqual([
      ['label', 'required'],
      ['mode', 'optional'],
    ]);
    expect(body[1].enumValues).toEqual(['air', 'sea']);
  });

  it('reads the resource annotation, the representation and the examples', () => {
    expect(page.resource).toEqual({ odataType: 'contoso.widgets.widgetFlow', baseType: 'contoso.widgets.baseFlow', keyProperty: 'id', openType: true });
    expect(page.representation).toEqual({ '@odata.type': '#contoso.widgets.widgetFlow', label: 'String', recipients: ['String'] });
    expect(page.httpRequests).toEqual([
      { method: 'GET', path: '/contoso/widgetFlows/{widgetFlowId}' },
      { method: 'PATCH', path: '/contoso/widgetFlows/{widgetFlowId}' },
    ]);
    expect(page.successStatus).toBe(202);
    expect(page.examples).toHaveLength(1);
    expect(page.examples[0]).toMatchObject({ blockType: 'response', status: 202, body: { label: 'x' } });
  });

  it('handles CRLF line endings the same way', () => {
    const crlf = parseDocPage('x.md', fixture.replace(/\n/g, '\r\n'));
    expect(crlf.tables.Properties.map((p) => p.name)).toEqual(page.tables.Properties.map((p) => p.name));
  });
});
