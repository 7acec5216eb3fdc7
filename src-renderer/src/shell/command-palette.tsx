import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AgentRow } from '../../../src-shared/ipc/console-types';
import { useCan } from '../console/use-role';
import { useUi } from '../state/ui-store';
import { NAV_ITEMS } from './nav';

interface Command {
  id: string;
  label: string;
  group: 'Navigate' | 'Actions' | 'Agents';
  run(): void;
}

const MAX_AGENT_COMMANDS = 50;

/** Ctrl/Cmd+K: navigation, actions and "open agent …", filtered as you type, driven by the keyboard. */
export function CommandPalette(): ReactNode {
  const { paletteOpen, setPaletteOpen, navigate, theme, setTheme } = useUi();
  const canDeploy = useCan('deploy:create');
  const queryClient = useQueryClient();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (paletteOpen && !element.open) {
      setQuery('');
      setActive(0);
      element.showModal();
    }
    if (!paletteOpen && element.open) element.close();
  }, [paletteOpen]);

  const commands = useMemo<Command[]>(() => {
    if (!paletteOpen) return [];
    const list: Command[] = NAV_ITEMS.filter((item) => !item.needsDeveloper || canDeploy).map((item) => ({ id: `nav-${item.id}`, label: `Go to ${item.label}`, group: 'Navigate', run: () => navigate(item.route) }));
    if (canDeploy) list.push({ id: 'deploy', label: 'Deploy a project…', group: 'Actions', run: () => navigate({ view: 'deploy' }) });
    list.push({ id: 'theme', label: `Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`, group: 'Actions', run: () => setTheme(theme === 'dark' ? 'light' : 'dark') });
    const rows = queryClient.getQueryData<AgentRow[]>(['agents:list']) ?? [];
    for (const row of rows) list.push({ id: `agent-${row.agentId}`, label: `Open agent ${row.agent}`, group: 'Agents', run: () => navigate({ view: 'agent', agent: row.agent, tab: 'overview' }) });
    return list;
  }, [paletteOpen, canDeploy, navigate, theme, setTheme, queryClient]);

  const needle = query.trim().toLowerCase();
  const matches = commands.filter((command) => command.label.toLowerCase().includes(needle));
  const shown = [...matches.filter((c) => c.group !== 'Agents'), ...matches.filter((c) => c.group === 'Agents').slice(0, MAX_AGENT_COMMANDS)];
  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));

  const run = (command: Command | undefined): void => {
    if (!command) return;
    setPaletteOpen(false);
    command.run();
  };

  return (
    <dialog
      ref={dialog}
      className="palette"
      aria-label="Command palette"
      onCancel={(event) => {
        event.preventDefault();
        setPaletteOpen(false);
      }}
      onClick={(event) => {
        if (event.target === dialog.current) setPaletteOpen(false);
      }}
    >
      {paletteOpen ? (
        <>
          <input
            className="palette-input"
            role="combobox"
            aria-expanded="true"
            aria-controls="palette-list"
            aria-activedescendant={shown[activeIndex] ? `palette-${shown[activeIndex].id}` : undefined}
            aria-label="Type a command or an agent name"
            placeholder="Type a command or an agent name…"
            autoFocus
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setActive(0);
            }}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown') {
                event.preventDefault();
                setActive((activeIndex + 1) % Math.max(1, shown.length));
              } else if (event.key === 'ArrowUp') {
                event.preventDefault();
                setActive((activeIndex - 1 + shown.length) % Math.max(1, shown.length));
              } else if (event.key === 'Enter') {
                event.preventDefault();
                run(shown[activeIndex]);
              }
            }}
          />
          <ul id="palette-list" role="listbox" aria-label="Commands" className="palette-list">
            {shown.length === 0 ? <li className="muted palette-empty">No command matches “{query}”.</li> : null}
            {shown.map((command, index) => (
              <li
                key={command.id}
                id={`palette-${command.id}`}
                role="option"
                aria-selected={index === activeIndex}
                className={index === activeIndex ? 'palette-item active' : 'palette-item'}
                onMouseMove={() => setActive(index)}
                onClick={() => run(command)}
              >
                <span>{command.label}</span>
                <span className="muted">{command.group}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </dialog>
  );
}
