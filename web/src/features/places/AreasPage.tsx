/** Areas & map: the area tree beside the map; picking in either shows the area's codes and parents. */
import { Alert, Card, Descriptions, Empty, Input, Spin, Tag, Tree, Typography } from 'antd';
import type { DataNode, EventDataNode } from 'antd/es/tree';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AreaDetail, type AreaNode, client, get, type MapSettings, ok } from '../../api/client';
import { useAuth } from '../../app/auth';
import { AreaMap } from './AreaMap';

interface Node extends DataNode {
  key: string;
  level: AreaNode['level'];
  name: string;
  children?: Node[];
}

function toNodes(areas: AreaNode[]): Node[] {
  return areas.map((a) => ({
    key: a.code,
    title: `${a.name} ${a.code}`,
    name: a.name,
    level: a.level,
    isLeaf: a.level === 'grid',
    children: a.children?.length ? toNodes(a.children) : a.level === 'community' ? undefined : [],
  }));
}

function replaceChildren(nodes: Node[], key: string, children: Node[]): Node[] {
  return nodes.map((n) =>
    n.key === key
      ? { ...n, children }
      : n.children
        ? { ...n, children: replaceChildren(n.children, key, children) }
        : n,
  );
}

export default function AreasPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [tree, setTree] = useState<Node[] | null>(null);
  const [settings, setSettings] = useState<MapSettings | null>(null);
  const [detail, setDetail] = useState<AreaDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<string[]>([]);

  useEffect(() => {
    ok(client.GET('/api/areas/tree'))
      .then((areas) => {
        setTree(toNodes(areas));
        setExpanded(areas.map((a) => a.code));
      })
      .catch((e: unknown) => setError(String(e)));
    get<MapSettings>('/api/settings/map')
      .then(setSettings)
      .catch((e: unknown) => setError(String(e)));
  }, []);

  const pick = useCallback((code: string) => {
    get<AreaDetail>(`/api/areas/${code}`)
      .then(setDetail)
      .catch((e: unknown) => setError(String(e)));
  }, []);

  const loadData = useCallback(async (node: EventDataNode<Node>) => {
    if (node.level !== 'community' || node.children?.length) return;
    const grids = await ok(
      client.GET('/api/areas/{code}/children', { params: { path: { code: node.key } } }),
    );
    setTree((old) => (old ? replaceChildren(old, node.key, toNodes(grids)) : old));
  }, []);

  const shown = useMemo(() => {
    if (!tree || !filter.trim()) return tree;
    const q = filter.trim();
    const keep = (nodes: Node[]): Node[] =>
      nodes.flatMap((n) => {
        const kids = n.children ? keep(n.children) : [];
        return n.name.includes(q) || n.key.startsWith(q) || kids.length
          ? [{ ...n, children: kids.length ? kids : n.children }]
          : [];
      });
    return keep(tree);
  }, [tree, filter]);

  return (
    <div
      style={{
        display: 'grid',
        gridTemplateColumns: '300px 1fr 320px',
        gap: 12,
        height: 'calc(100vh - 96px)',
      }}
    >
      <Card
        title={t('areas.tree')}
        size="small"
        styles={{ body: { overflow: 'auto', height: 'calc(100% - 40px)' } }}
      >
        <Input.Search
          aria-label={t('areas.search')}
          placeholder={t('areas.search')}
          allowClear
          onChange={(e) => setFilter(e.target.value)}
          style={{ marginBottom: 8 }}
        />
        {shown ? (
          <Tree<Node>
            data-testid="area-tree"
            treeData={shown}
            loadData={loadData}
            expandedKeys={filter ? undefined : expanded}
            defaultExpandAll={!!filter}
            onExpand={(keys) => setExpanded(keys.map(String))}
            selectedKeys={detail ? [detail.code] : []}
            onSelect={(keys) => {
              const k = keys[0];
              if (k !== undefined) pick(String(k));
            }}
          />
        ) : (
          <Spin />
        )}
      </Card>
      <Card size="small" styles={{ body: { padding: 0, height: '100%' } }}>
        {settings && me ? (
          <AreaMap
            settings={settings}
            scope={me.scope}
            selected={detail?.code ?? null}
            bbox={detail?.bbox ?? null}
            onPick={pick}
          />
        ) : (
          <Spin />
        )}
      </Card>
      <Card title={t('areas.detail')} size="small">
        <Alert type="info" showIcon title={t('areas.syntheticNote')} style={{ marginBottom: 12 }} />
        {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
        {detail ? (
          <div data-testid="area-detail">
            <Typography.Title level={5}>
              {detail.name} {detail.synthetic && <Tag>{t('areas.synthetic')}</Tag>}
            </Typography.Title>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('areas.code')}>
                <Typography.Text copyable data-testid="area-code">
                  {detail.code}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('areas.level')}>{t(`level.${detail.level}`)}</Descriptions.Item>
              {detail.ancestors.map((a) => (
                <Descriptions.Item key={a.code} label={t(`level.${a.level}`)}>
                  <Typography.Link onClick={() => pick(a.code)}>
                    {a.name} <span data-testid={`parent-${a.level}`}>{a.code}</span>
                  </Typography.Link>
                </Descriptions.Item>
              ))}
            </Descriptions>
          </div>
        ) : (
          <Empty description={t('areas.pick')} />
        )}
      </Card>
    </div>
  );
}
