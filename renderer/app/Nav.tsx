import { BriefcaseBusiness, Bug, Crosshair, EyeOff, Info, LayoutDashboard, MonitorSmartphone, Network, Radar, Radio, Server, Settings, Siren, Workflow, Wrench } from 'lucide-react';
import type { ReactNode } from 'react';
import { useAlerts, viewQuery } from '../stores/alerts.js';
import type { Route } from './router.js';

interface NavItem {
  name: Route['name'];
  href: string;
  label: string;
  icon: ReactNode;
}

/** Only screens that really work are listed. */
const ITEMS: NavItem[] = [
  { name: 'dashboard', href: '#/dashboard', label: 'Dashboard', icon: <LayoutDashboard size={16} aria-hidden="true" /> },
  { name: 'alerts', href: '#/alerts', label: 'Alerts', icon: <Siren size={16} aria-hidden="true" /> },
  { name: 'hunt', href: '#/hunt', label: 'Hunt', icon: <Crosshair size={16} aria-hidden="true" /> },
  { name: 'cases', href: '#/cases', label: 'Cases', icon: <BriefcaseBusiness size={16} aria-hidden="true" /> },
  { name: 'suppressions', href: '#/suppressions', label: 'Suppressions', icon: <EyeOff size={16} aria-hidden="true" /> },
  { name: 'scans', href: '#/scans', label: 'Scans', icon: <Radar size={16} aria-hidden="true" /> },
  { name: 'findings', href: '#/findings', label: 'Findings', icon: <Bug size={16} aria-hidden="true" /> },
  { name: 'playbooks', href: '#/playbooks', label: 'Playbooks', icon: <Workflow size={16} aria-hidden="true" /> },
  { name: 'sources', href: '#/sources', label: 'Sources', icon: <Radio size={16} aria-hidden="true" /> },
  { name: 'feed', href: '#/feed', label: 'Feed', icon: <Network size={16} aria-hidden="true" /> },
  { name: 'tools', href: '#/tools', label: 'Tools', icon: <Wrench size={16} aria-hidden="true" /> },
  { name: 'agents', href: '#/agents', label: 'Agents', icon: <Server size={16} aria-hidden="true" /> },
  { name: 'hosts', href: '#/hosts', label: 'Hosts', icon: <MonitorSmartphone size={16} aria-hidden="true" /> },
  { name: 'settings', href: '#/settings', label: 'Settings', icon: <Settings size={16} aria-hidden="true" /> },
  { name: 'about', href: '#/about', label: 'About', icon: <Info size={16} aria-hidden="true" /> },
];

export function Nav({ route }: { route: Route }) {
  // the Alerts link goes back to the view the analyst left (filters, sort)
  const alertsView = useAlerts((s) => viewQuery({ filter: s.filter, sort: s.sort }));
  return (
    <nav aria-label="Main" className="app-nav">
      <ul>
        {ITEMS.map((item) => (
          <li key={item.name}>
            <a className="nav-link" href={item.name === 'alerts' && alertsView ? `#/alerts?${alertsView}` : item.href} aria-current={route.name === item.name ? 'page' : undefined}>
              {item.icon}
              <span>{item.label}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
