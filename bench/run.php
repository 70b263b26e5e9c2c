<?php
/**
 * The benchmark driver: one scenario per invocation (scripts/bench.sh starts the servers and calls it).
 *
 *   php bench/run.php seed-main   --sizes=1000,2000 --sim-users=20000
 *   php bench/run.php sync        --users=N --runs=R
 *   php bench/run.php slowlog     (on before a daemon starts: long_query_time is copied per connection)
 *   php bench/run.php dbwrites    --users=N --runs=R
 *   php bench/run.php seed-multi  --nas=HTTP:HTTPS,... --users=N
 *   php bench/run.php multi       --runs=R --label=TEXT
 *   php bench/run.php overhead    --calls=N
 *   php bench/run.php seed-create --http=P --https=P --accounts=N
 *   php bench/run.php create      --serial=N --per-caller=N --callers=8 --runs=R
 *
 * Every figure is appended to $BENCH_RESULTS as one JSON line; bench/report.php makes the table.
 * Every WHMCS-side call goes through the module's functions in the WHMCS harness (tests/php/bootstrap.php).
 */

require __DIR__ . '/lib.php';

$opt = Bench::options($argv);
$cmd = isset($opt['_'][0]) ? $opt['_'][0] : '';
$fn = 'scenario_' . str_replace('-', '_', $cmd);
if (!function_exists($fn)) {
    fwrite(STDERR, "usage: php bench/run.php seed-main|sync|slowlog|dbwrites|seed-multi|multi|overhead|seed-create|create [--options]\n");
    exit(2);
}
$fn($opt);
exit(0);

// ---------------------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------------------

function scenario_machine(array $opt)
{
    Bench::record('machine', Bench::machine() + array('when' => isset($opt['when']) ? $opt['when'] : 'start'));
}

function scenario_seed_main(array $opt)
{
    $t0 = Bench::nowMs();
    $sizes = array_map('intval', explode(',', $opt['sizes']));
    $simUsers = (int) $opt['sim-users'];
    $control = Bench::requireEnv('DSM_SIM_CONTROL_URL');

    Bench::control($control, '/groups', array('groups' => array(
        array('name' => '10G', 'description' => '10 GB on homes', 'quota_mb' => 10240),
        array('name' => '100G', 'description' => '100 GB on homes', 'quota_mb' => 102400))));
    // Usage below the product's 90 % threshold: the sync writes usage and history, no notification.
    $g = Bench::control($control, '/usage', array('generate' => array('prefix' => Bench::BIG_PREFIX,
        'count' => $simUsers, 'used_mb_min' => 0, 'used_mb_max' => 9000, 'quota_mb' => 10240, 'seed' => 42)));

    $clientId = WhmcsHarness::seedClient();
    $productId = WhmcsHarness::seedProduct(array(1 => '10', 2 => 'GB', 3 => '10G', 4 => '90', 5 => 'None', 6 => '30'), 0);
    $password = WhmcsHarness::encrypt('');
    $servers = array();
    $rows = 0;
    foreach ($sizes as $n) {
        $serverId = Bench::seedSimServer('NAS sync ' . $n, Bench::requireEnv('DSM_PORT'));
        $batch = array();
        for ($i = 1; $i <= $n; $i++) {
            $batch[] = Bench::hostingRow($clientId, $productId, $serverId, Bench::simUserName(Bench::BIG_PREFIX, $i, $simUsers),
                'Active', $password);
        }
        Bench::bulkInsert('tblhosting', $batch);
        $servers[(string) $n] = $serverId;
        $rows += $n;
    }
    Bench::saveState(array('client_id' => $clientId, 'product_id' => $productId, 'sync_servers' => $servers,
        'sim_users' => $simUsers));
    $ms = Bench::nowMs() - $t0;
    Bench::say(sprintf('seeded %d sim users (%d new), %d tblhosting rows on %d servers in %.1f s', $simUsers,
        $g['created'], $rows, count($sizes), $ms / 1000));
    Bench::record('seed', array('what' => 'main', 'sim_users' => $simUsers, 'services' => $rows, 'ms' => round($ms)));
}

function scenario_seed_multi(array $opt)
{
    $t0 = Bench::nowMs();
    $n = (int) $opt['users'];
    $state = Bench::state();
    $password = WhmcsHarness::encrypt('');
    $servers = array();
    foreach (explode(',', $opt['nas']) as $k => $ports) {
        list($http, $https) = explode(':', $ports);
        $control = "http://127.0.0.1:$http/control";
        Bench::control($control, '/groups', array('groups' => array(
            array('name' => '10G', 'description' => '10 GB on homes', 'quota_mb' => 10240))));
        Bench::control($control, '/usage', array('generate' => array('prefix' => 'nas', 'count' => $n,
            'used_mb_min' => 0, 'used_mb_max' => 9000, 'quota_mb' => 10240, 'seed' => 100 + $k)));
        $serverId = Bench::seedSimServer('NAS multi ' . ($k + 1), $https);
        $rows = array();
        for ($i = 1; $i <= $n; $i++) {
            $rows[] = Bench::hostingRow($state['client_id'], $state['product_id'], $serverId,
                Bench::simUserName('nas', $i, $n), 'Active', $password);
        }
        Bench::bulkInsert('tblhosting', $rows);
        $servers[] = array('id' => $serverId, 'control' => $control);
    }
    Bench::saveState(array('multi_servers' => $servers, 'multi_users' => $n));
    $ms = Bench::nowMs() - $t0;
    Bench::say(sprintf('seeded %d simulators x %d users and %d tblhosting rows in %.1f s', count($servers), $n,
        count($servers) * $n, $ms / 1000));
    Bench::record('seed', array('what' => 'multi', 'nas' => count($servers), 'services' => count($servers) * $n,
        'ms' => round($ms)));
}

function scenario_seed_create(array $opt)
{
    $state = Bench::state();
    $control = 'http://127.0.0.1:' . (int) $opt['http'] . '/control';
    Bench::control($control, '/groups', array('groups' => array(
        array('name' => '10G', 'description' => '10 GB on homes', 'quota_mb' => 10240))));
    $serverId = Bench::seedSimServer('NAS create', (int) $opt['https']);
    $password = WhmcsHarness::encrypt('');
    $rows = array();
    for ($i = 0; $i < (int) $opt['accounts']; $i++) {
        $rows[] = Bench::hostingRow($state['client_id'], $state['product_id'], $serverId, '', 'Pending', $password);
    }
    $first = Bench::bulkInsert('tblhosting', $rows);
    // InnoDB hands out consecutive ids to one multi-row INSERT (innodb_autoinc_lock_mode 1/2 without other writers).
    $ids = WhmcsHarness::db()->query('SELECT id FROM tblhosting WHERE server = ' . (int) $serverId . ' ORDER BY id')
        ->fetchAll(PDO::FETCH_COLUMN);
    // A few creates on the big simulator too: what a NAS with many users costs per CreateAccount.
    $bigServer = Bench::seedSimServer('NAS create (big)', Bench::requireEnv('DSM_PORT'));
    $rows = array();
    for ($i = 0; $i < (int) $opt['big-accounts']; $i++) {
        $rows[] = Bench::hostingRow($state['client_id'], $state['product_id'], $bigServer, '', 'Pending', $password);
    }
    Bench::bulkInsert('tblhosting', $rows);
    $bigIds = WhmcsHarness::db()->query('SELECT id FROM tblhosting WHERE server = ' . (int) $bigServer . ' ORDER BY id')
        ->fetchAll(PDO::FETCH_COLUMN);
    Bench::saveState(array('create' => array('server_id' => $serverId, 'control' => $control,
        'services' => array_map('intval', $ids), 'big_server_id' => $bigServer,
        'big_services' => array_map('intval', $bigIds))));
    Bench::say(sprintf('seeded %d pending services on server %d (first id %d)', count($ids), $serverId, $first));
}

// ---------------------------------------------------------------------------------------------------------
// Usage sync of one NAS
// ---------------------------------------------------------------------------------------------------------

/** One UsageUpdate through the module, with every counter around it. */
function measured_sync($serverId, $control, $expect)
{
    $params = WhmcsHarness::paramsForServer($serverId);
    WhmcsHarness::reset();
    $pid = Bench::daemonPid();
    $stats0 = Bench::simStats($control);
    $sql0 = Bench::sqlStatus();
    $cpu0 = Bench::cpuMs($pid);
    $stall0 = Bench::cpuStallUs();
    $t0 = Bench::nowMs();
    $result = puqSynology_UsageUpdate($params);
    $wall = Bench::nowMs() - $t0;
    $stall1 = Bench::cpuStallUs();
    $cpu1 = Bench::cpuMs($pid);
    $sql1 = Bench::sqlStatus();
    $stats1 = Bench::simStats($control);
    $answer = Bench::lastAnswer('UsageUpdate');
    $dsmEntries = count(WhmcsHarness::moduleLogEntries()) - 1;
    if ($result !== 'success' || !is_array($answer) || (int) $answer['services_updated'] !== $expect) {
        throw new RuntimeException("UsageUpdate of server $serverId: " . json_encode($result) . ' '
            . substr(json_encode($answer), 0, 600));
    }
    $sim = Bench::statsDelta($stats0, $stats1);
    return array(
        'wall_ms' => round($wall, 1),
        'cpu_pressure_pct' => Bench::cpuPressure($stall0, $stall1, $wall),
        'daemon_ms' => (int) $answer['duration_ms'],
        'daemon_cpu_ms' => $cpu1 - $cpu0,
        'services_updated' => (int) $answer['services_updated'],
        'users_read' => (int) $answer['users_read'],
        'missing' => count($answer['missing']),
        'errors' => count($answer['errors']),
        'report_dsm_requests' => (int) $answer['dsm_requests'],
        'dsm_requests' => $sim['requests'],
        'dsm_logins' => $sim['logins'],
        'dsm_subrequests' => $sim['subrequests'],
        'sim_per_api' => $sim['per_api'],
        'sql' => Bench::sqlDelta($sql0, $sql1),
        'module_log_dsm_entries' => $dsmEntries,
    );
}

function scenario_sync(array $opt)
{
    $n = (int) $opt['users'];
    $runs = max(1, (int) $opt['runs']);
    $state = Bench::state();
    $serverId = $state['sync_servers'][(string) $n];
    $control = Bench::requireEnv('DSM_SIM_CONTROL_URL');
    $pid = Bench::daemonPid();
    $idle = Bench::memory($pid);
    $out = array();
    for ($r = 0; $r < $runs; $r++) {
        $m = measured_sync($serverId, $control, $n);
        $out[] = $m;
        Bench::say(sprintf('sync %6d users, run %d: %7.1f ms (daemon %d ms), %d DSM requests, %d logins, %d SQL statements',
            $n, $r + 1, $m['wall_ms'], $m['daemon_ms'], $m['dsm_requests'], $m['dsm_logins'], $m['sql']['Questions']));
    }
    $mem = Bench::memory($pid);
    Bench::record('sync', array('users' => $n, 'label' => isset($opt['label']) ? $opt['label'] : 'default', 'runs' => $out, 'daemon_idle_kib' => $idle,
        'daemon_after_kib' => $mem, 'settings' => Bench::env('BENCH_DAEMON_SETTINGS'),
        'latency_ms' => (float) Bench::env('BENCH_LATENCY_MS'),
        'subrequest_latency_ms' => (float) Bench::env('BENCH_SUBREQUEST_LATENCY_MS')));
}

// ---------------------------------------------------------------------------------------------------------
// Database phase
// ---------------------------------------------------------------------------------------------------------

function scenario_slowlog(array $opt)
{
    $pdo = WhmcsHarness::db();
    $on = !isset($opt['off']);
    if ($on) {
        $pdo->exec("SET GLOBAL log_output = 'TABLE'");
        $pdo->exec('SET GLOBAL long_query_time = 0');
        $pdo->exec('SET GLOBAL slow_query_log = 1');
        $pdo->exec('TRUNCATE TABLE mysql.slow_log');
    } else {
        $pdo->exec('SET GLOBAL slow_query_log = 0');
        $pdo->exec('SET GLOBAL long_query_time = 10');
    }
}

/** The statements other connections ran since $since (the daemon's), from mysql.slow_log. */
function slow_log_since($since)
{
    $pdo = WhmcsHarness::db();
    $st = $pdo->prepare('SELECT UNIX_TIMESTAMP(start_time) AS t, TIME_TO_SEC(query_time) AS q, rows_affected, rows_examined,'
        . ' LEFT(sql_text, 60) AS s FROM mysql.slow_log WHERE thread_id <> CONNECTION_ID() AND start_time >= FROM_UNIXTIME(?)'
        . ' ORDER BY start_time');
    $st->execute(array($since));
    return $st->fetchAll(PDO::FETCH_ASSOC);
}

function statement_kind($sql)
{
    $sql = ltrim($sql);
    $map = array(
        'UPDATE tblhosting' => 'UPDATE tblhosting', 'INSERT INTO mod_puqsynology_usage_daily' => 'INSERT history',
        'SELECT service_id, above' => 'SELECT notify_state FOR UPDATE', 'INSERT INTO mod_puqsynology_notify_state' => 'INSERT notify_state',
        'INSERT INTO mod_puqsynology_outbox' => 'INSERT outbox', 'DELETE FROM mod_puqsynology_usage_daily' => 'DELETE history (prune)',
        'COMMIT' => 'COMMIT', 'commit' => 'COMMIT', 'START TRANSACTION' => 'BEGIN', 'BEGIN' => 'BEGIN', 'begin' => 'BEGIN',
        'ROLLBACK' => 'ROLLBACK',
    );
    foreach ($map as $prefix => $kind) {
        if (strncasecmp($sql, $prefix, strlen($prefix)) === 0) {
            return $kind;
        }
    }
    if (stripos($sql, 'FROM tblhosting') !== false || strncasecmp($sql, 'SELECT h.id', 11) === 0) {
        return 'SELECT services (read)';
    }
    if (strncasecmp($sql, 'SET ', 4) === 0) {
        return 'SET (new connection)';
    }
    return 'other: ' . substr($sql, 0, 40);
}

/** Milliseconds since the epoch of a daemon log line "[2026-11-28 23:02:56.798] [info] ...", or null. */
function log_line_ms($line)
{
    if (!preg_match('/^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{3})\]/', $line, $m)) {
        return null;
    }
    return strtotime($m[1]) * 1000 + (int) $m[2];
}

/**
 * The phases of the one sync logged after $offset, from the daemon's own timestamps (log_level debug):
 * the DSM phase (first compound sent to last compound answered) and the database write phase (last compound
 * answered to the "Usage sync of server" line, which the daemon writes after the last write and the prune).
 */
function sync_phases_from_log($offset)
{
    $f = fopen(Bench::requireEnv('BENCH_DAEMON_LOG'), 'r');
    fseek($f, $offset);
    $firstStart = null;
    $lastEnd = null;
    $done = null;
    while (($line = fgets($f)) !== false) {
        $t = log_line_ms($line);
        if ($t === null) {
            continue;
        }
        if (strpos($line, 'DSM SYNO.Entry.Request request') !== false && preg_match('/ in ([0-9.]+) ms/', $line, $m)) {
            $start = $t - (float) $m[1];
            $firstStart = $firstStart === null ? $start : min($firstStart, $start);
            $lastEnd = $lastEnd === null ? $t : max($lastEnd, $t);
        } elseif (strpos($line, 'Usage sync of server') !== false) {
            $done = $t;
        }
    }
    fclose($f);
    if ($lastEnd === null || $done === null) {
        return array('dsm_phase_ms' => null, 'db_phase_ms' => null);
    }
    return array('dsm_phase_ms' => round($lastEnd - $firstStart), 'db_phase_ms' => $done - $lastEnd);
}

/**
 * The database phase of one sync. Two ways, because the sync report has no database timing:
 * - from the daemon's debug log (start the daemon with log_level=debug): last DSM answer to the end of the sync;
 * - with the MariaDB slow log at long_query_time 0 (switch it on with "slowlog" before the daemon connects):
 *   the server time of every statement, by kind. The slow log itself slows the phase down.
 * Without the slow log, the same sync also runs at DSM latency 0.
 */
function scenario_dbwrites(array $opt)
{
    $n = (int) $opt['users'];
    $runs = max(1, (int) $opt['runs']);
    $state = Bench::state();
    $serverId = $state['sync_servers'][(string) $n];
    $control = Bench::requireEnv('DSM_SIM_CONTROL_URL');
    $pdo = WhmcsHarness::db();
    $logging = (int) $pdo->query('SELECT @@GLOBAL.slow_query_log')->fetchColumn() === 1
        && (float) $pdo->query('SELECT @@GLOBAL.long_query_time')->fetchColumn() == 0.0;

    $out = array();
    for ($r = 0; $r < $runs; $r++) {
        if ($logging) {
            $pdo->exec('TRUNCATE TABLE mysql.slow_log');
        }
        $since = (float) $pdo->query('SELECT UNIX_TIMESTAMP(NOW(6))')->fetchColumn();
        $offset = Bench::daemonLogOffset();
        $m = measured_sync($serverId, $control, $n);
        usleep(100000);
        $m += sync_phases_from_log($offset);
        if ($logging) {
            $kinds = array();
            $writeStart = null;
            $writeEnd = null;
            $sum = 0.0;
            foreach (slow_log_since($since) as $row) {
                $kind = statement_kind($row['s']);
                if (!isset($kinds[$kind])) {
                    $kinds[$kind] = array('count' => 0, 'ms' => 0.0, 'rows_examined' => 0, 'rows_affected' => 0);
                }
                $kinds[$kind]['count']++;
                $kinds[$kind]['ms'] += (float) $row['q'] * 1000;
                $kinds[$kind]['rows_examined'] += (int) $row['rows_examined'];
                $kinds[$kind]['rows_affected'] += (int) $row['rows_affected'];
                if (!in_array($kind, array('SELECT services (read)', 'SET (new connection)'), true) && strpos($kind, 'other') !== 0) {
                    $sum += (float) $row['q'] * 1000;
                    $t = (float) $row['t'];
                    $writeStart = $writeStart === null ? $t : min($writeStart, $t);
                    $writeEnd = $writeEnd === null ? $t + (float) $row['q'] : max($writeEnd, $t + (float) $row['q']);
                }
            }
            foreach ($kinds as &$k) {
                $k['ms'] = round($k['ms'], 1);
            }
            unset($k);
            $m['db_write_statements_ms'] = round($sum, 1);
            $m['db_write_window_ms'] = $writeStart === null ? null : round(($writeEnd - $writeStart) * 1000, 1);
            $m['db_statements'] = $kinds;
            Bench::say(sprintf('sync %d users, slow log on: %.0f ms; database phase %s ms (daemon log); write statements %.1f ms of server time, first start to last end %.1f ms',
                $n, $m['wall_ms'], $m['db_phase_ms'], $m['db_write_statements_ms'], $m['db_write_window_ms']));
        } else {
            Bench::say(sprintf('sync %d users: %.0f ms; DSM phase %s ms, database phase %s ms (daemon log timestamps)',
                $n, $m['wall_ms'], $m['dsm_phase_ms'], $m['db_phase_ms']));
        }
        $out[] = $m;
    }
    if ($logging) {
        scenario_slowlog(array('off' => true));
        Bench::record('dbwrites', array('users' => $n, 'mode' => 'slowlog', 'runs' => $out,
            'settings' => Bench::env('BENCH_DAEMON_SETTINGS')));
        return;
    }

    // The same sync with the simulator's latency at 0: what is left is daemon CPU, loopback HTTPS and the database.
    $lat = (float) Bench::env('BENCH_LATENCY_MS');
    $sub = (float) Bench::env('BENCH_SUBREQUEST_LATENCY_MS');
    Bench::control($control, '/faults', array('latency_ms' => 0, 'subrequest_latency_ms' => 0));
    $zero = array();
    try {
        for ($r = 0; $r < $runs; $r++) {
            $offset = Bench::daemonLogOffset();
            $m = measured_sync($serverId, $control, $n);
            usleep(100000);
            $zero[] = $m += sync_phases_from_log($offset);
            Bench::say(sprintf('sync %d users at DSM latency 0: %.0f ms (daemon %d ms, daemon CPU %d ms; DSM phase %s ms, database phase %s ms)',
                $n, $m['wall_ms'], $m['daemon_ms'], $m['daemon_cpu_ms'], $m['dsm_phase_ms'], $m['db_phase_ms']));
        }
    } finally {
        Bench::control($control, '/faults', array('latency_ms' => (int) $lat, 'subrequest_latency_ms' => $sub));
    }
    Bench::record('dbwrites', array('users' => $n, 'mode' => 'log', 'runs' => $out, 'zero_latency_runs' => $zero,
        'settings' => Bench::env('BENCH_DAEMON_SETTINGS')));
}

// ---------------------------------------------------------------------------------------------------------
// Concurrency helpers: forked callers (the harness's PDO connection is closed before forking so that no
// process shares it; each child opens its own when it needs one)
// ---------------------------------------------------------------------------------------------------------

function drop_db_connection()
{
    $p = new ReflectionProperty('WhmcsHarness', 'pdo');
    $p->setAccessible(true);
    $p->setValue(null, null);
    gc_collect_cycles();
}

/**
 * Runs $work($i) in $count child processes that all start at the same monotonic instant.
 * @return array[] per child: the array $work returned, plus start_ms/end_ms relative to the common start
 */
function run_forked($count, callable $work)
{
    drop_db_connection();
    $dir = Bench::requireEnv('BENCH_RUN_DIR');
    $startAt = hrtime(true) + 400 * 1000000; // 0.4 s: every child is forked and waiting by then
    $pids = array();
    for ($i = 0; $i < $count; $i++) {
        $pid = pcntl_fork();
        if ($pid === -1) {
            throw new RuntimeException('fork failed');
        }
        if ($pid === 0) {
            $code = 0;
            try {
                $wait = $startAt - hrtime(true);
                if ($wait > 0) {
                    usleep((int) ($wait / 1000));
                }
                $t0 = hrtime(true);
                $data = $work($i);
                $t1 = hrtime(true);
                $data['start_ms'] = round(($t0 - $startAt) / 1e6, 1);
                $data['end_ms'] = round(($t1 - $startAt) / 1e6, 1);
            } catch (Throwable $e) {
                $data = array('error' => get_class($e) . ': ' . $e->getMessage());
                $code = 1;
            }
            file_put_contents("$dir/child-$i.json", json_encode($data));
            // No destructors or shutdown functions of the parent's objects in the child.
            posix_kill(posix_getpid(), SIGKILL);
            exit($code);
        }
        $pids[$i] = $pid;
    }
    $out = array();
    foreach ($pids as $i => $pid) {
        pcntl_waitpid($pid, $status);
        $f = "$dir/child-$i.json";
        $out[$i] = is_file($f) ? json_decode(file_get_contents($f), true) : array('error' => 'no result');
        @unlink($f);
    }
    return $out;
}

// ---------------------------------------------------------------------------------------------------------
// 20 NAS servers at once
// ---------------------------------------------------------------------------------------------------------

function scenario_multi(array $opt)
{
    $runs = max(1, (int) $opt['runs']);
    $state = Bench::state();
    $servers = $state['multi_servers'];
    $n = (int) $state['multi_users'];
    $params = array();
    foreach ($servers as $s) {
        $params[] = WhmcsHarness::paramsForServer($s['id']);
    }
    $pid = Bench::daemonPid();
    $idle = Bench::memory($pid);
    $out = array();
    for ($r = 0; $r < $runs; $r++) {
        $before = array();
        foreach ($servers as $k => $s) {
            $before[$k] = Bench::simStats($s['control']);
        }
        $cpu0 = Bench::cpuMs($pid);
        $stall0 = Bench::cpuStallUs();
        $t0 = Bench::nowMs();
        $calls = run_forked(count($servers), function ($i) use ($params) {
            WhmcsHarness::reset();
            $result = puqSynology_UsageUpdate($params[$i]);
            $answer = Bench::lastAnswer('UsageUpdate');
            return array('result' => $result, 'services_updated' => (int) (isset($answer['services_updated']) ? $answer['services_updated'] : -1),
                'daemon_ms' => (int) (isset($answer['duration_ms']) ? $answer['duration_ms'] : -1));
        });
        $pressure = Bench::cpuPressure($stall0, Bench::cpuStallUs(), Bench::nowMs() - $t0);
        $cpu1 = Bench::cpuMs($pid);
        $requests = 0;
        $logins = 0;
        foreach ($servers as $k => $s) {
            $d = Bench::statsDelta($before[$k], Bench::simStats($s['control']));
            $requests += $d['requests'];
            $logins += $d['logins'];
        }
        $ok = 0;
        $ends = array();
        $durations = array();
        $daemonMs = array();
        foreach ($calls as $c) {
            if (isset($c['result']) && $c['result'] === 'success' && $c['services_updated'] === $n) {
                $ok++;
            }
            if (isset($c['end_ms'])) {
                $ends[] = $c['end_ms'];
                $durations[] = $c['end_ms'] - $c['start_ms'];
                $daemonMs[] = $c['daemon_ms'];
            }
        }
        $m = array('wall_ms' => empty($ends) ? null : max($ends), 'calls_ok' => $ok, 'calls' => count($calls),
            'call_ms_min' => min($durations), 'call_ms_median' => Bench::median($durations), 'call_ms_max' => max($durations),
            'daemon_ms_min' => min($daemonMs), 'daemon_ms_max' => max($daemonMs), 'dsm_requests' => $requests,
            'dsm_logins' => $logins, 'daemon_cpu_ms' => $cpu1 - $cpu0, 'call_end_ms' => $ends,
            'cpu_pressure_pct' => $pressure);
        if ($ok !== count($calls)) {
            $m['failures'] = array_values(array_filter($calls, function ($c) use ($n) {
                return !isset($c['result']) || $c['result'] !== 'success' || $c['services_updated'] !== $n;
            }));
        }
        $out[] = $m;
        Bench::say(sprintf('%s, run %d: %d/%d calls ok, wall %.0f ms (calls %.0f..%.0f ms, daemon %d..%d ms), %d DSM requests, %d logins',
            $opt['label'], $r + 1, $ok, count($calls), $m['wall_ms'], $m['call_ms_min'], $m['call_ms_max'],
            $m['daemon_ms_min'], $m['daemon_ms_max'], $requests, $logins));
    }
    Bench::record('multi', array('label' => $opt['label'], 'nas' => count($servers), 'users' => $n, 'runs' => $out,
        'daemon_idle_kib' => $idle, 'daemon_after_kib' => Bench::memory($pid),
        'settings' => Bench::env('BENCH_DAEMON_SETTINGS')));
}

// ---------------------------------------------------------------------------------------------------------
// Module call overhead
// ---------------------------------------------------------------------------------------------------------

function scenario_seed_small(array $opt)
{
    $state = Bench::state();
    $control = 'http://127.0.0.1:' . (int) $opt['http'] . '/control';
    $n = (int) $opt['users'];
    Bench::control($control, '/groups', array('groups' => array(
        array('name' => '10G', 'description' => '10 GB on homes', 'quota_mb' => 10240))));
    Bench::control($control, '/usage', array('generate' => array('prefix' => 'small', 'count' => $n,
        'used_mb_min' => 0, 'used_mb_max' => 9000, 'quota_mb' => 10240)));
    // The plan group holds the users, as on a real NAS (the info route reads the user's groups).
    $members = array();
    for ($i = 1; $i <= min($n, 50); $i++) {
        $members[] = array('name' => Bench::simUserName('small', $i, $n), 'groups' => array('users', '10G'));
    }
    Bench::control($control, '/users', array('users' => $members));
    $serverId = Bench::seedSimServer('NAS small', (int) $opt['https']);
    $serviceId = WhmcsHarness::seedService($state['client_id'], $state['product_id'], $serverId,
        array('domainstatus' => 'Active', 'username' => Bench::simUserName('small', 1, $n)));
    Bench::saveState(array('small' => array('server_id' => $serverId, 'service_id' => $serviceId, 'control' => $control,
        'users' => $n)));
}

/**
 * $calls module calls of $fn, timed in PHP, with the daemon's own handling time of each of $paths parsed
 * from its log.
 */
function overhead_series($name, $calls, callable $fn, array $paths, $control, $warmup = 50)
{
    for ($i = 0; $i < $warmup; $i++) { // warm-up: DSM session, connections, opcache
        WhmcsHarness::reset();
        if (!$fn()) {
            throw new RuntimeException("$name failed: " . WhmcsHarness::moduleLogText());
        }
    }
    $stats0 = Bench::simStats($control);
    $offset = Bench::daemonLogOffset();
    $times = array();
    $failed = 0;
    $pid = Bench::daemonPid();
    $cpu0 = Bench::cpuMs($pid);
    $stall0 = Bench::cpuStallUs();
    $start = Bench::nowMs();
    for ($i = 0; $i < $calls; $i++) {
        WhmcsHarness::reset();
        $t0 = hrtime(true);
        $ok = $fn();
        $times[] = (hrtime(true) - $t0) / 1e6;
        $failed += $ok ? 0 : 1;
    }
    $elapsed = Bench::nowMs() - $start;
    $stall1 = Bench::cpuStallUs();
    $cpu1 = Bench::cpuMs($pid);
    usleep(200000); // the daemon writes its line after answering
    $sim = Bench::statsDelta($stats0, Bench::simStats($control));
    $handling = array();
    $all = array();
    foreach ($paths as $path) {
        $h = Bench::daemonHandlingMs($offset, $path);
        $handling[$path] = array('count' => count($h), 'p50' => Bench::percentile($h, 50),
            'p99' => Bench::percentile($h, 99), 'max' => empty($h) ? null : max($h));
        $all = array_merge($all, $h);
    }
    $m = array('command' => $name, 'calls' => $calls, 'failed' => $failed,
        'php_p50_ms' => round(Bench::percentile($times, 50), 2), 'php_p99_ms' => round(Bench::percentile($times, 99), 2),
        'php_max_ms' => round(max($times), 2), 'daemon' => $handling,
        'daemon_p50_ms' => Bench::percentile($all, 50), 'daemon_p99_ms' => Bench::percentile($all, 99),
        'dsm_requests_per_call' => round($sim['requests'] / $calls, 2), 'sim_per_api' => $sim['per_api'],
        'daemon_cpu_ms_per_call' => round(($cpu1 - $cpu0) / $calls, 2),
        'cpu_pressure_pct' => Bench::cpuPressure($stall0, $stall1, $elapsed));
    $parts = array();
    foreach ($handling as $path => $h) {
        $parts[] = sprintf('%s p50 %.1f p99 %.1f ms', $path, $h['p50'], $h['p99']);
    }
    Bench::say(sprintf('%s x%d: PHP call p50 %.2f ms p99 %.2f ms; daemon %s; daemon CPU %.2f ms per call; %.2f DSM requests per call; %d failed; CPU pressure %s %%',
        $name, $calls, $m['php_p50_ms'], $m['php_p99_ms'], implode(', ', $parts), $m['daemon_cpu_ms_per_call'],
        $m['dsm_requests_per_call'], $failed, $m['cpu_pressure_pct']));
    return $m;
}

function scenario_overhead(array $opt)
{
    $calls = max(1, (int) $opt['calls']);
    $bigCalls = max(1, (int) $opt['big-calls']);
    $state = Bench::state();
    $small = $state['small'];
    $serverParams = WhmcsHarness::paramsForServer($small['server_id']);
    $serviceParams = WhmcsHarness::paramsForService($small['service_id']);
    $test = function () use ($serverParams) {
        $r = puqSynology_TestConnection($serverParams);
        return $r['success'] === true;
    };
    $tab = function ($params) {
        return function () use ($params) {
            $r = puqSynology_AdminServicesTabFields($params);
            return isset($r['DSM user']) && stripos(implode('', $r), 'error') === false;
        };
    };
    $users = $small['users'];
    Bench::record('overhead', overhead_series('TestConnection', $calls, $test, array('/v1/server/test'),
        $small['control']) + array('nas_users' => $users));
    Bench::record('overhead', overhead_series('AdminServicesTabFields', $calls, $tab($serviceParams),
        array('/v1/account/info', '/v1/usage/service'), $small['control']) + array('nas_users' => $users));

    // The same tab on the big NAS: the user lookup is one User get, so it must not grow with the NAS.
    $bigServer = $state['sync_servers'][(string) max(array_map('intval', array_keys($state['sync_servers'])))];
    $bigService = (int) WhmcsHarness::db()->query('SELECT MIN(id) FROM tblhosting WHERE server = ' . (int) $bigServer)
        ->fetchColumn();
    $control = Bench::requireEnv('DSM_SIM_CONTROL_URL');
    $lat = (float) Bench::env('BENCH_LATENCY_MS');
    $sub = (float) Bench::env('BENCH_SUBREQUEST_LATENCY_MS');
    Bench::control($control, '/faults', array('latency_ms' => 0, 'subrequest_latency_ms' => 0));
    try {
        Bench::record('overhead', overhead_series('AdminServicesTabFields', $bigCalls,
            $tab(WhmcsHarness::paramsForService($bigService)), array('/v1/account/info', '/v1/usage/service'), $control, 20)
            + array('nas_users' => (int) $state['sim_users']));
    } finally {
        Bench::control($control, '/faults', array('latency_ms' => (int) $lat, 'subrequest_latency_ms' => $sub));
    }
}

// ---------------------------------------------------------------------------------------------------------
// CreateAccount
// ---------------------------------------------------------------------------------------------------------

function scenario_create(array $opt)
{
    $state = Bench::state();
    $create = $state['create'];
    $control = $create['control'];
    $services = $create['services'];
    $serial = (int) $opt['serial'];
    $perCaller = (int) $opt['per-caller'];
    $callers = (int) $opt['callers'];
    $runs = max(1, (int) $opt['runs']);

    // A warm session: the first call logs in; CreateAccount then reuses it.
    WhmcsHarness::reset();
    $t = puqSynology_TestConnection(WhmcsHarness::paramsForServer($create['server_id']));
    if ($t['success'] !== true) {
        throw new RuntimeException('TestConnection to the create simulator failed: ' . $t['error']);
    }

    $perAccount = array();
    $apis = array();
    $times = array();
    for ($i = 0; $i < $serial; $i++) {
        $params = WhmcsHarness::paramsForService(array_shift($services));
        WhmcsHarness::reset();
        $s0 = Bench::simStats($control);
        $t0 = hrtime(true);
        $result = puqSynology_CreateAccount($params);
        $times[] = (hrtime(true) - $t0) / 1e6;
        $d = Bench::statsDelta($s0, Bench::simStats($control));
        if ($result !== 'success') {
            throw new RuntimeException('CreateAccount failed: ' . $result);
        }
        $perAccount[] = $d['requests'];
        foreach ($d['per_api'] as $api => $count) {
            $apis[$api][] = $count;
        }
        if ($d['logins'] !== 0) {
            Bench::say("note: CreateAccount $i logged in again");
        }
    }
    $breakdown = array();
    foreach ($apis as $api => $counts) {
        $breakdown[$api] = round(array_sum($counts) / $serial, 2);
    }
    arsort($breakdown);
    $serialRecord = array('accounts' => $serial, 'requests_median' => Bench::median($perAccount),
        'requests_max' => max($perAccount), 'per_api_mean' => $breakdown, 'call_ms_median' => round(Bench::median($times), 1),
        'call_ms_p99' => round(Bench::percentile($times, 99), 1));
    Bench::say(sprintf('CreateAccount x%d one at a time: %s DSM requests per account (max %d), %.0f ms per call; per API: %s',
        $serial, $serialRecord['requests_median'], $serialRecord['requests_max'], $serialRecord['call_ms_median'],
        json_encode($breakdown)));

    $concurrent = array();
    for ($r = 0; $r < $runs; $r++) {
        $work = array();
        for ($c = 0; $c < $callers; $c++) {
            $list = array();
            for ($k = 0; $k < $perCaller; $k++) {
                $list[] = WhmcsHarness::paramsForService(array_shift($services));
            }
            $work[$c] = $list;
        }
        $s0 = Bench::simStats($control);
        $stall0 = Bench::cpuStallUs();
        $t0 = Bench::nowMs();
        $results = run_forked($callers, function ($i) use ($work) {
            $ok = 0;
            $times = array();
            $errors = array();
            foreach ($work[$i] as $params) {
                WhmcsHarness::reset();
                $t0 = hrtime(true);
                $result = puqSynology_CreateAccount($params);
                $times[] = (hrtime(true) - $t0) / 1e6;
                if ($result === 'success') {
                    $ok++;
                } else {
                    $errors[] = $result;
                }
            }
            return array('ok' => $ok, 'times' => $times, 'errors' => array_slice($errors, 0, 3));
        });
        $pressure = Bench::cpuPressure($stall0, Bench::cpuStallUs(), Bench::nowMs() - $t0);
        $d = Bench::statsDelta($s0, Bench::simStats($control));
        $ok = 0;
        $wall = 0;
        $all = array();
        $errors = array();
        foreach ($results as $res) {
            $ok += isset($res['ok']) ? $res['ok'] : 0;
            $wall = max($wall, isset($res['end_ms']) ? $res['end_ms'] : 0);
            $all = array_merge($all, isset($res['times']) ? $res['times'] : array());
            $errors = array_merge($errors, isset($res['errors']) ? $res['errors'] : array(), isset($res['error']) ? array($res['error']) : array());
        }
        $m = array('callers' => $callers, 'accounts' => $callers * $perCaller, 'ok' => $ok, 'wall_ms' => $wall,
            'per_second' => $wall > 0 ? round($ok / ($wall / 1000), 1) : null, 'call_ms_median' => round(Bench::median($all), 1),
            'call_ms_p99' => round(Bench::percentile($all, 99), 1), 'dsm_requests' => $d['requests'],
            'dsm_logins' => $d['logins'], 'errors' => array_slice($errors, 0, 5), 'cpu_pressure_pct' => $pressure);
        $concurrent[] = $m;
        Bench::say(sprintf('CreateAccount, %d callers x %d: %d ok in %.0f ms = %.1f accounts/s (call median %.0f ms, p99 %.0f ms), %.2f DSM requests per account',
            $callers, $perCaller, $ok, $wall, $m['per_second'], $m['call_ms_median'], $m['call_ms_p99'],
            $ok > 0 ? $d['requests'] / $ok : 0));
    }
    // On the big simulator (every user of the NAS is listed per create).
    $big = array();
    if (!empty($create['big_services'])) {
        $bigControl = Bench::requireEnv('DSM_SIM_CONTROL_URL');
        WhmcsHarness::reset();
        puqSynology_TestConnection(WhmcsHarness::paramsForServer($create['big_server_id']));
        $times = array();
        $requests = array();
        foreach ($create['big_services'] as $id) {
            $params = WhmcsHarness::paramsForService($id);
            WhmcsHarness::reset();
            $s0 = Bench::simStats($bigControl);
            $t0 = hrtime(true);
            $result = puqSynology_CreateAccount($params);
            $times[] = (hrtime(true) - $t0) / 1e6;
            $d = Bench::statsDelta($s0, Bench::simStats($bigControl));
            $requests[] = $d['requests'];
            if ($result !== 'success') {
                throw new RuntimeException('CreateAccount on the big simulator failed: ' . $result);
            }
        }
        $big = array('accounts' => count($times), 'nas_users' => (int) $state['sim_users'],
            'call_ms_median' => round(Bench::median($times), 1), 'requests_median' => Bench::median($requests));
        Bench::say(sprintf('CreateAccount x%d on the NAS with %d users: %.0f ms per call, %s DSM requests per account',
            count($times), $state['sim_users'], $big['call_ms_median'], $big['requests_median']));
    }
    Bench::record('create', array('serial' => $serialRecord, 'concurrent' => $concurrent, 'big' => $big,
        'latency_ms' => (float) Bench::env('BENCH_LATENCY_MS'), 'settings' => Bench::env('BENCH_DAEMON_SETTINGS')));
}

// ---------------------------------------------------------------------------------------------------------
// Load: many module calls at once for a set time (issue 6: 200 concurrent calls for 60 s)
// ---------------------------------------------------------------------------------------------------------

function scenario_seed_load(array $opt)
{
    $state = Bench::state();
    $control = 'http://127.0.0.1:' . (int) $opt['http'] . '/control';
    $readers = max(1, (int) $opt['readers']);
    Bench::control($control, '/groups', array('groups' => array(
        array('name' => '10G', 'description' => '10 GB on homes', 'quota_mb' => 10240))));
    Bench::control($control, '/usage', array('generate' => array('prefix' => 'load', 'count' => $readers,
        'used_mb_min' => 0, 'used_mb_max' => 9000, 'quota_mb' => 10240)));
    $members = array();
    for ($i = 1; $i <= $readers; $i++) {
        $members[] = array('name' => Bench::simUserName('load', $i, $readers), 'groups' => array('users', '10G'));
    }
    Bench::control($control, '/users', array('users' => $members));
    $serverId = Bench::seedSimServer('NAS load', (int) $opt['https']);
    $password = WhmcsHarness::encrypt('');
    $rows = array();
    for ($i = 1; $i <= $readers; $i++) {
        $rows[] = Bench::hostingRow($state['client_id'], $state['product_id'], $serverId,
            Bench::simUserName('load', $i, $readers), 'Active', $password);
    }
    for ($i = 0; $i < (int) $opt['accounts']; $i++) {
        $rows[] = Bench::hostingRow($state['client_id'], $state['product_id'], $serverId, '', 'Pending', $password);
    }
    Bench::bulkInsert('tblhosting', $rows);
    $db = WhmcsHarness::db();
    $read = $db->query("SELECT id FROM tblhosting WHERE server = $serverId AND username <> '' ORDER BY id")
        ->fetchAll(PDO::FETCH_COLUMN);
    $pending = $db->query("SELECT id FROM tblhosting WHERE server = $serverId AND username = '' ORDER BY id")
        ->fetchAll(PDO::FETCH_COLUMN);
    Bench::saveState(array('load' => array('server_id' => $serverId, 'control' => $control,
        'read_services' => array_map('intval', $read), 'pending_services' => array_map('intval', $pending))));
    Bench::say(sprintf('load: %d active services to read, %d pending services to create', count($read), count($pending)));
}

/**
 * $callers processes, each making module calls back to back for $seconds: reads (the admin tab, the
 * client area, Test Connection), CreateAccount on its own pending services, and Suspend/Unsuspend of the
 * accounts it created. Afterwards every write is checked against the NAS and WHMCS: a call that said
 * "success" must have left exactly that state behind.
 */
function scenario_load(array $opt)
{
    $state = Bench::state();
    $load = $state['load'];
    $callers = max(1, (int) $opt['callers']);
    $seconds = max(1, (float) $opt['seconds']);
    $control = $load['control'];
    $serverParams = WhmcsHarness::paramsForServer($load['server_id']);
    $readParams = array();
    foreach ($load['read_services'] as $id) {
        $readParams[] = WhmcsHarness::paramsForService($id);
    }
    // Each caller owns a slice of the pending services; params are read here, before the fork, so the
    // callers only talk to the daemon (and to the database for UpdateClientProduct, as WHMCS does).
    $perCaller = (int) floor(count($load['pending_services']) / $callers);
    $createParams = array();
    foreach (array_chunk(array_slice($load['pending_services'], 0, $perCaller * $callers), max(1, $perCaller)) as $c => $ids) {
        foreach ($ids as $id) {
            $createParams[$c][] = WhmcsHarness::paramsForService($id);
        }
    }
    WhmcsHarness::reset();
    $t = puqSynology_TestConnection($serverParams);
    if ($t['success'] !== true) {
        throw new RuntimeException('TestConnection to the load simulator failed: ' . $t['error']);
    }
    $s0 = Bench::simStats($control);
    $pid = Bench::daemonPid();
    $cpu0 = Bench::cpuMs($pid);
    $mem0 = Bench::memory($pid);
    $stall0 = Bench::cpuStallUs();
    $t0 = Bench::nowMs();
    $results = run_forked($callers, function ($i) use ($seconds, $serverParams, $readParams, $createParams) {
        mt_srand(1000 + $i);
        $deadline = hrtime(true) + (int) ($seconds * 1e9);
        $mine = isset($createParams[$i]) ? $createParams[$i] : array();
        $created = array();   // service id => params
        $expected = array();  // service id => 'Active' | 'Suspended' after the last successful call
        $times = array();
        $errors = array();
        $counts = array();
        while (hrtime(true) < $deadline) {
            $roll = mt_rand(1, 100);
            if ($roll <= 20 && !empty($mine)) {
                $kind = 'CreateAccount';
                $params = array_shift($mine);
                $call = function () use ($params) { return puqSynology_CreateAccount($params) === 'success'; };
            } elseif ($roll <= 35 && !empty($created)) {
                $id = array_rand($created);
                $params = $created[$id];
                $suspend = $expected[$id] === 'Active';
                $kind = $suspend ? 'SuspendAccount' : 'UnsuspendAccount';
                $call = function () use ($params, $suspend) {
                    $r = $suspend ? puqSynology_SuspendAccount($params) : puqSynology_UnsuspendAccount($params);
                    return $r === 'success';
                };
            } elseif ($roll <= 70) {
                $kind = 'AdminServicesTabFields';
                $params = $readParams[mt_rand(0, count($readParams) - 1)];
                $call = function () use ($params) {
                    $r = puqSynology_AdminServicesTabFields($params);
                    return isset($r['DSM user']) && stripos(implode('', $r), 'error') === false;
                };
            } elseif ($roll <= 90) {
                $kind = 'ClientArea';
                $params = $readParams[mt_rand(0, count($readParams) - 1)];
                $call = function () use ($params) {
                    $r = puqSynology_ClientArea($params);
                    return isset($r['tabOverviewModuleOutputTemplate'])
                        && $r['tabOverviewModuleOutputTemplate'] === 'templates/overview.tpl'
                        && $r['templateVariables']['puqUsageError'] === '';
                };
            } else {
                $kind = 'TestConnection';
                $call = function () use ($serverParams) {
                    $r = puqSynology_TestConnection($serverParams);
                    return $r['success'] === true;
                };
            }
            WhmcsHarness::reset();
            $c0 = hrtime(true);
            $ok = $call();
            $times[$kind][] = round((hrtime(true) - $c0) / 1e6, 2);
            $counts[$kind] = (isset($counts[$kind]) ? $counts[$kind] : 0) + 1;
            if (!$ok) {
                if (count($errors) < 5) {
                    $errors[] = $kind . ': ' . substr(WhmcsHarness::moduleLogText(), -400);
                }
                $counts['failed'] = (isset($counts['failed']) ? $counts['failed'] : 0) + 1;
                continue;
            }
            if ($kind === 'CreateAccount') {
                $created[(int) $params['serviceid']] = $params;
                $expected[(int) $params['serviceid']] = 'Active';
            } elseif ($kind === 'SuspendAccount' || $kind === 'UnsuspendAccount') {
                $expected[(int) $params['serviceid']] = $kind === 'SuspendAccount' ? 'Suspended' : 'Active';
            }
        }
        return array('times' => $times, 'counts' => $counts, 'errors' => $errors, 'expected' => $expected);
    });
    $wall = Bench::nowMs() - $t0;
    $pressure = Bench::cpuPressure($stall0, Bench::cpuStallUs(), $wall);
    $cpu1 = Bench::cpuMs($pid);
    $mem1 = Bench::memory($pid);
    $d = Bench::statsDelta($s0, Bench::simStats($control));

    $times = array();
    $counts = array();
    $errors = array();
    $expected = array();
    foreach ($results as $r) {
        if (isset($r['error'])) {
            $errors[] = 'caller died: ' . $r['error'];
            $counts['failed'] = (isset($counts['failed']) ? $counts['failed'] : 0) + 1;
            continue;
        }
        foreach ($r['times'] as $kind => $list) {
            $times[$kind] = array_merge(isset($times[$kind]) ? $times[$kind] : array(), $list);
        }
        foreach ($r['counts'] as $kind => $n) {
            $counts[$kind] = (isset($counts[$kind]) ? $counts[$kind] : 0) + $n;
        }
        $errors = array_merge($errors, $r['errors']);
        $expected += $r['expected'];
    }

    // Lost writes: every successful create must be one DSM user named in tblhosting, and every
    // successful Suspend/Unsuspend must be the state the NAS shows; no DSM user may exist twice.
    drop_db_connection();
    $nas = Bench::control($control, '/state');
    $dsmUsers = array();
    foreach ($nas['users'] as $u) {
        $dsmUsers[strtolower($u['name'])] = $u;
    }
    $lost = array();
    $names = array();
    if (!empty($expected)) {
        $rows = WhmcsHarness::db()->query('SELECT id, username, domainstatus FROM tblhosting WHERE id IN ('
            . implode(',', array_map('intval', array_keys($expected))) . ')')->fetchAll(PDO::FETCH_ASSOC);
        foreach ($rows as $row) {
            $id = (int) $row['id'];
            $name = strtolower((string) $row['username']);
            $names[$name] = true;
            if ($name === '' || !isset($dsmUsers[$name])) {
                $lost[] = "service $id: created, but " . ($name === '' ? 'no username in tblhosting' : "no DSM user $name");
                continue;
            }
            $suspended = $dsmUsers[$name]['expired'] !== 'normal';
            if ($suspended !== ($expected[$id] === 'Suspended')) {
                $lost[] = "service $id: the last successful call left it {$expected[$id]}, the NAS shows expired="
                    . $dsmUsers[$name]['expired'];
            }
        }
        if (count($rows) !== count($expected)) {
            $lost[] = (count($expected) - count($rows)) . ' created services are missing from tblhosting';
        }
    }
    // DSM users made for services of this NAS that WHMCS does not know (a duplicate or an orphan).
    $orphans = 0;
    foreach ($dsmUsers as $name => $u) {
        if (strpos((string) $u['description'], 'WHMCS service #') !== false && !isset($names[$name])) {
            $orphans++;
        }
    }
    $calls = 0;
    $all = array();
    $perKind = array();
    foreach ($times as $kind => $list) {
        $calls += count($list);
        $all = array_merge($all, $list);
        $perKind[$kind] = array('calls' => count($list), 'p50_ms' => Bench::percentile($list, 50),
            'p99_ms' => Bench::percentile($list, 99), 'max_ms' => max($list));
    }
    $failed = isset($counts['failed']) ? $counts['failed'] : 0;
    $m = array('callers' => $callers, 'seconds' => $seconds, 'wall_ms' => $wall, 'calls' => $calls, 'failed' => $failed,
        'per_second' => round($calls / ($wall / 1000), 1), 'p50_ms' => Bench::percentile($all, 50),
        'p99_ms' => Bench::percentile($all, 99), 'max_ms' => empty($all) ? null : max($all), 'per_kind' => $perKind,
        'creates_ok' => count($expected), 'lost_writes' => count($lost), 'lost' => array_slice($lost, 0, 5),
        'orphan_dsm_users' => $orphans, 'errors' => array_slice($errors, 0, 5), 'dsm_requests' => $d['requests'],
        'dsm_logins' => $d['logins'], 'daemon_cpu_ms' => $cpu1 - $cpu0, 'daemon_before_kib' => $mem0,
        'daemon_after_kib' => $mem1, 'cpu_pressure_pct' => $pressure, 'settings' => Bench::env('BENCH_DAEMON_SETTINGS'),
        'latency_ms' => (float) Bench::env('BENCH_LATENCY_MS'));
    Bench::record('load', $m);
    $parts = array();
    foreach ($perKind as $kind => $k) {
        $parts[] = sprintf('%s %d (p99 %.0f ms)', $kind, $k['calls'], $k['p99_ms']);
    }
    Bench::say(sprintf('load: %d callers for %.0f s: %d calls (%.1f/s), %d failed, p50 %.1f ms, p99 %.1f ms, max %.0f ms; '
        . '%d accounts created, %d lost writes, %d orphan DSM users; %s',
        $callers, $wall / 1000, $calls, $m['per_second'], $failed, $m['p50_ms'], $m['p99_ms'], $m['max_ms'],
        count($expected), count($lost), $orphans, implode(', ', $parts)));
    foreach (array_merge($m['errors'], $m['lost']) as $line) {
        Bench::say('  ' . $line);
    }
}

