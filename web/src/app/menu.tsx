/** The console menu as one table: route, label key, icon and the roles that see it. Later modules append rows. */
import {
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BranchesOutlined,
  CalendarOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  EnvironmentOutlined,
  FileSearchOutlined,
  FlagOutlined,
  KeyOutlined,
  NodeIndexOutlined,
  NotificationOutlined,
  PhoneOutlined,
  ProfileOutlined,
  ReadOutlined,
  SafetyOutlined,
  ScheduleOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { type LazyExoticComponent, lazy, type ReactNode } from 'react';
import type { Role } from '../api/client';

export interface MenuEntry {
  path: string;
  labelKey: string;
  icon: ReactNode;
  /** Who sees the entry (the server enforces the same on every call). */
  roles: readonly Role[] | 'all';
  page: LazyExoticComponent<() => ReactNode>;
}

export const MENU: MenuEntry[] = [
  // First for the roles that oversee: their home page after login. Other roles land on their work queue.
  {
    path: '/dashboard',
    labelKey: 'menu.dashboard',
    icon: <DashboardOutlined />,
    roles: ['leader', 'supervisor', 'shift_lead', 'dispatcher'],
    page: lazy(() => import('../features/evaluation/EvaluationPage')),
  },
  {
    path: '/cases',
    labelKey: 'menu.cases',
    icon: <FileSearchOutlined />,
    roles: 'all',
    page: lazy(() => import('../features/cases/CasesPage')),
  },
  {
    path: '/hotline',
    labelKey: 'menu.hotline',
    icon: <PhoneOutlined />,
    roles: ['operator', 'shift_lead'],
    page: lazy(() => import('../features/hotline/HotlinePage')),
  },
  {
    path: '/emergency',
    labelKey: 'menu.emergency',
    icon: <AlertOutlined />,
    roles: ['shift_lead', 'dispatcher', 'leader', 'admin', 'inspector', 'operator', 'supervisor', 'handler'],
    page: lazy(() => import('../features/emergency/EmergencyBoard')),
  },
  {
    path: '/emergency-plans',
    labelKey: 'menu.emergencyPlans',
    icon: <ReadOutlined />,
    roles: ['shift_lead', 'dispatcher', 'leader', 'admin'],
    page: lazy(() => import('../features/emergency/PlansPage')),
  },
  {
    path: '/duty-roster',
    labelKey: 'menu.emergencyRoster',
    icon: <ScheduleOutlined />,
    roles: ['shift_lead', 'dispatcher', 'leader', 'admin'],
    page: lazy(() => import('../features/emergency/RosterPage')),
  },
  {
    path: '/whistle',
    labelKey: 'menu.whistle',
    icon: <NotificationOutlined />,
    roles: ['dispatcher', 'shift_lead', 'handler', 'supervisor', 'leader'],
    page: lazy(() => import('../features/cases/WhistleBoard')),
  },
  {
    path: '/categories',
    labelKey: 'menu.categories',
    icon: <ProfileOutlined />,
    roles: ['admin', 'shift_lead', 'dispatcher', 'supervisor'],
    page: lazy(() => import('../features/cases/CategoriesPage')),
  },
  {
    path: '/routing',
    labelKey: 'menu.routing',
    icon: <NodeIndexOutlined />,
    roles: ['admin'],
    page: lazy(() => import('../features/cases/RoutingPage')),
  },
  {
    path: '/targets',
    labelKey: 'menu.targets',
    icon: <FlagOutlined />,
    roles: ['supervisor', 'admin', 'leader', 'handler'],
    page: lazy(() => import('../features/targets/TargetsPage')),
  },
  {
    path: '/safety',
    labelKey: 'menu.safety',
    icon: <SafetyOutlined />,
    roles: ['supervisor', 'admin', 'leader', 'inspector', 'dispatcher'],
    page: lazy(() => import('../features/safety/SafetyPage')),
  },
  {
    path: '/areas',
    labelKey: 'menu.areas',
    icon: <EnvironmentOutlined />,
    roles: 'all',
    page: lazy(() => import('../features/places/AreasPage')),
  },
  {
    path: '/units',
    labelKey: 'menu.units',
    icon: <ApartmentOutlined />,
    roles: ['admin', 'dispatcher', 'shift_lead', 'supervisor', 'leader', 'operator'],
    page: lazy(() => import('../features/org/UnitsPage')),
  },
  {
    path: '/users',
    labelKey: 'menu.users',
    icon: <TeamOutlined />,
    roles: ['admin'],
    page: lazy(() => import('../features/org/UsersPage')),
  },
  {
    path: '/rules',
    labelKey: 'menu.rules',
    icon: <BranchesOutlined />,
    roles: ['admin', 'dispatcher', 'shift_lead', 'supervisor'],
    page: lazy(() => import('../features/org/RulesPage')),
  },
  {
    path: '/api-keys',
    labelKey: 'menu.apiKeys',
    icon: <KeyOutlined />,
    roles: ['admin'],
    page: lazy(() => import('../features/org/ApiKeysPage')),
  },
  {
    path: '/backups',
    labelKey: 'menu.backups',
    icon: <DatabaseOutlined />,
    roles: ['admin'],
    page: lazy(() => import('../features/org/BackupsPage')),
  },
  {
    path: '/calendar',
    labelKey: 'menu.calendar',
    icon: <CalendarOutlined />,
    roles: ['admin'],
    page: lazy(() => import('../features/calendar/CalendarPage')),
  },
  {
    path: '/audit',
    labelKey: 'menu.audit',
    icon: <AuditOutlined />,
    roles: ['admin'],
    page: lazy(() => import('../features/org/AuditPage')),
  },
];

export function menuFor(roles: readonly Role[]): MenuEntry[] {
  return MENU.filter((m) => m.roles === 'all' || m.roles.some((r) => roles.includes(r)));
}
