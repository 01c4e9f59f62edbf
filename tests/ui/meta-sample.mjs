// GET /api/meta as the server answers it (the shape MetaEndpointTests checks), loaded into meta.js for pure tests.
import { setMeta } from '../../src/SkyDeck.Ui/wwwroot/meta.js';

export const sample = {
  id: { pattern: '^[a-zA-Z]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$', max_length: 48, reserved: 'directory', forbidden_suffixes: ['.yaml', '.yml', '.json'] },
  flag_key: { pattern: '^[A-Za-z_][A-Za-z0-9_\\-]*(\\.[A-Za-z0-9_\\-]+)*$', max_length: 200 },
  resource_name_pattern: '^[A-Za-z0-9][A-Za-z0-9_\\-]*$',
  limits: {
    max_nodes: 512, max_gpus: 64, max_flags: 500, max_autostop_minutes: 10080, max_restarts_on_errors: 1000, max_exit_codes: 32,
    min_exit_code: 1, max_exit_code: 255, max_name_length: 200, max_base_command_length: 1000,
  },
  jobs: {
    live_phases: ['REQUESTED'],
    live_until_terminal_phases: ['SUBMITTED'],
    terminal_statuses: ['FAILED_DRIVER', 'SUCCEEDED', 'FAILED', 'FAILED_SETUP', 'CANCELLED'],
    statuses: ['INIT', 'PENDING', 'SETTING_UP', 'RUNNING', 'FAILED_DRIVER', 'SUCCEEDED', 'FAILED', 'FAILED_SETUP', 'CANCELLED', 'REQUESTED', 'LAUNCH_FAILED', 'LOST'],
  },
  current_states: ['RUNNING', 'PENDING', 'LAUNCHING', 'RETRYING', 'STOPPING', 'TERMINATING', 'UNKNOWN', 'FAILED', 'SUCCEEDED', 'STOPPED', 'INIT', 'TERMINATED'],
  desired_states: ['RUNNING', 'STOPPED', 'TERMINATED'],
};

setMeta(sample);
