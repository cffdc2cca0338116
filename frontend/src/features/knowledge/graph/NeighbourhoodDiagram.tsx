import { useId, type KeyboardEvent } from 'react';

import type { EntityDetail } from '../../../client';
import {
  entityTypeLabel,
  neighbourhood,
  radialLayout,
  truncate,
  type Neighbour,
} from './graphData';

const WIDTH = 560;
const HEIGHT = 300;
const CX = WIDTH / 2;
const CY = HEIGHT / 2;
const RADIUS = 115;
const NODE_R = 8;
/** Above this many neighbours the predicates go into the tooltips only. */
const MAX_EDGE_LABELS = 6;

/** The point `distance` from (x, y) towards (tx, ty). */
function towards(x: number, y: number, tx: number, ty: number, distance: number) {
  const length = Math.hypot(tx - x, ty - y) || 1;
  return { x: x + ((tx - x) / length) * distance, y: y + ((ty - y) / length) * distance };
}

/** The entity in the middle: its name (shortened) on a pill sized to fit it. */
function centreBox(name: string) {
  const shown = truncate(name, 22);
  // Roughly the text's width at 12 px, plus room either side.
  return { name: shown, halfWidth: (shown.length * 7 + 20) / 2, halfHeight: 12 };
}

/** How far from the middle a spoke at `angle` leaves the pill. */
function boxEdge(box: { halfWidth: number; halfHeight: number }, angle: number): number {
  const dx = Math.abs(Math.cos(angle));
  const dy = Math.abs(Math.sin(angle));
  return Math.min(dx > 0 ? box.halfWidth / dx : Infinity, dy > 0 ? box.halfHeight / dy : Infinity);
}

function anchor(x: number): 'start' | 'middle' | 'end' {
  if (Math.abs(x - CX) < 4) return 'middle';
  return x < CX ? 'end' : 'start';
}

export interface NeighbourhoodDiagramProps {
  entity: Pick<EntityDetail, 'id' | 'name' | 'type' | 'relations'>;
  onSelect: (entityId: string) => void;
}

/**
 * The entity in the middle and the entities its facts link it to around it, in plain SVG.
 * Arrows point from subject to object; each neighbour is a button that shows that entity.
 * The facts list next to it says the same in words.
 */
export function NeighbourhoodDiagram({ entity, onSelect }: NeighbourhoodDiagramProps) {
  const arrow = `arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const { neighbours, hidden } = neighbourhood(entity);
  if (neighbours.length === 0) return null;
  const points = radialLayout(neighbours.length, CX, CY, RADIUS);
  const edgeLabels = neighbours.length <= MAX_EDGE_LABELS;
  const centre = centreBox(entity.name);

  function onKeyDown(event: KeyboardEvent, neighbour: Neighbour) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(neighbour.id);
    }
  }

  return (
    <figure className="space-y-1">
      <svg
        role="group"
        aria-label={`${entity.name} and the entities its facts link it to`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="block h-auto w-full"
      >
        <defs>
          <marker
            id={arrow}
            viewBox="0 0 10 10"
            refX={9}
            refY={5}
            markerWidth={6}
            markerHeight={6}
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className="fill-ink-subtle" />
          </marker>
        </defs>
        {neighbours.map((neighbour, index) => {
          const point = points[index]!;
          const start = towards(CX, CY, point.x, point.y, boxEdge(centre, point.angle) + 2);
          const end = towards(point.x, point.y, CX, CY, NODE_R + 2);
          const label = { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 };
          return (
            <g key={`edge-${neighbour.id}`}>
              <line
                x1={start.x}
                y1={start.y}
                x2={end.x}
                y2={end.y}
                className="stroke-ink-subtle"
                strokeWidth={1.25}
                markerEnd={neighbour.outgoing ? `url(#${arrow})` : undefined}
                markerStart={neighbour.incoming ? `url(#${arrow})` : undefined}
              />
              {edgeLabels ? (
                <text
                  x={label.x}
                  y={label.y}
                  textAnchor="middle"
                  dominantBaseline="central"
                  paintOrder="stroke"
                  strokeWidth={4}
                  className="fill-ink-muted stroke-surface text-[10px]"
                >
                  {truncate(neighbour.predicates.join(', '), 22)}
                </text>
              ) : null}
            </g>
          );
        })}
        <g>
          <title>{`${entity.name} (${entityTypeLabel(entity.type)})`}</title>
          <rect
            x={CX - centre.halfWidth}
            y={CY - centre.halfHeight}
            width={centre.halfWidth * 2}
            height={centre.halfHeight * 2}
            rx={centre.halfHeight}
            className="fill-brand-600"
          />
          <text
            x={CX}
            y={CY}
            textAnchor="middle"
            dominantBaseline="central"
            className="fill-ink-inverse text-[12px] font-semibold"
          >
            {centre.name}
          </text>
        </g>
        {neighbours.map((neighbour, index) => {
          const point = points[index]!;
          // Beside the node, a little further off above and below it, where the text is tall.
          const gap = NODE_R + 5 + 5 * Math.abs(Math.sin(point.angle));
          const text = towards(CX, CY, point.x, point.y, RADIUS + gap);
          const facts = neighbour.facts === 1 ? '1 fact' : `${neighbour.facts} facts`;
          return (
            <g
              key={`node-${neighbour.id}`}
              role="button"
              tabIndex={0}
              aria-label={`Show ${neighbour.name}`}
              onClick={() => onSelect(neighbour.id)}
              onKeyDown={(event) => onKeyDown(event, neighbour)}
              className="cursor-pointer [&:hover_circle]:fill-brand-100"
            >
              <title>
                {`${neighbour.name} (${entityTypeLabel(neighbour.type)}): ${facts} — ${neighbour.predicates.join(', ')}`}
              </title>
              <circle
                cx={point.x}
                cy={point.y}
                r={NODE_R}
                strokeWidth={2}
                className="fill-surface stroke-brand-500"
              />
              <text
                x={text.x}
                y={text.y}
                textAnchor={anchor(point.x)}
                dominantBaseline="central"
                paintOrder="stroke"
                strokeWidth={4}
                className="fill-ink stroke-surface text-[11px]"
              >
                {truncate(neighbour.name, 20)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="text-xs text-ink-muted">
        Arrows point from the subject of a fact to its object; pick an entity to show it.
        {hidden > 0 ? ` ${hidden} more linked entities are in the facts below.` : ''}
      </figcaption>
    </figure>
  );
}
