<?php
/**
 * Shared helpers of the benchmark drivers (bench/run.php, bench/baseline-per-user.php, bench/report.php).
 *
 * The drivers run inside the WHMCS harness of the tests (tests/php/bootstrap.php): the module is loaded the
 * way WHMCS loads it, $params are built from the database like WHMCS builds them, and every daemon call is
 * signed by the module's own DaemonClient. scripts/bench.sh starts the servers and points the drivers at
 * them through the file named by PUQ_STACK_ENV (bench.env, same variables as build/stack.env plus BENCH_*).
 */

require_once dirname(__DIR__) . '/tests/php/bootstrap.php';

use WHMCS\Module\Server\PuqSynology\DaemonClient;

final class Bench
{
    /** Usernames on the big simulator: bench00001 ... (dsm-sim pads to max(4, digits of count)). */
    const BIG_PREFIX = 'bench';

    // ---------------------------------------------------------------------------------------------------
    // Environment and results
    // ---------------------------------------------------------------------------------------------------

    public static function env($name, $default = null)
    {
        return WhmcsHarness::env($name, $default);
    }

    public static function requireEnv($name)
    {
        $v = self::env($name);
        if ($v === null) {
            fwrite(STDERR, "bench: $name is not set (scripts/bench.sh sets it)\n");
            exit(2);
        }
        return $v;
    }

    /** Options of the form --name=value (or --flag) into an array. */
    public static function options(array $argv)
    {
        $out = array();
        foreach (array_slice($argv, 1) as $arg) {
            if (strncmp($arg, '--', 2) !== 0) {
                $out['_'][] = $arg;
                continue;
            }
            $eq = strpos($arg, '=');
            if ($eq === false) {
                $out[substr($arg, 2)] = true;
            } else {
                $out[substr($arg, 2, $eq - 2)] = substr($arg, $eq + 1);
            }
        }
        return $out;
    }

    /** The state file shared by the drivers: seeded ids, ports, ... ($BENCH_RUN_DIR/state.json). */
    public static function stateFile()
    {
        return self::requireEnv('BENCH_RUN_DIR') . '/state.json';
    }

    public static function state()
    {
        $f = self::stateFile();
        return is_file($f) ? json_decode(file_get_contents($f), true) : array();
    }

    public static function saveState(array $merge)
    {
        $state = array_replace_recursive(self::state(), $merge);
        file_put_contents(self::stateFile(), json_encode($state, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
        return $state;
    }

    /** Appends one measurement record to $BENCH_RESULTS (JSON lines), read by bench/report.php. */
    public static function record($scenario, array $data)
    {
        $data = array_merge(array('scenario' => $scenario, 'at' => date('c')), $data);
        file_put_contents(self::requireEnv('BENCH_RESULTS'), json_encode($data, JSON_UNESCAPED_SLASHES) . "\n",
            FILE_APPEND | LOCK_EX);
        return $data;
    }

    public static function say($text)
    {
        fwrite(STDERR, '  ' . $text . "\n");
    }

    // ---------------------------------------------------------------------------------------------------
    // Statistics
    // ---------------------------------------------------------------------------------------------------

    public static function median(array $values)
    {
        return self::percentile($values, 50);
    }

    /** Nearest-rank percentile (p99 of 1000 samples = the 990th smallest). */
    public static function percentile(array $values, $p)
    {
        if (empty($values)) {
            return null;
        }
        sort($values);
        $rank = (int) ceil($p / 100 * count($values));
        return $values[max(0, min(count($values) - 1, $rank - 1))];
    }

    public static function nowMs()
    {
        return hrtime(true) / 1e6;
    }

    // ---------------------------------------------------------------------------------------------------
    // The simulator's control endpoint
    // ---------------------------------------------------------------------------------------------------

    /** GET or POST to a simulator's control endpoint; $base is http://127.0.0.1:PORT/control. */
    public static function control($base, $path, $body = null, $timeout = 120)
    {
        $curl = curl_init(rtrim($base, '/') . $path);
        $options = array(CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => $timeout, CURLOPT_PROXY => '',
            CURLOPT_HTTPHEADER => array('Content-Type: application/json', 'Expect:'));
        if ($body !== null) {
            $options[CURLOPT_POST] = true;
            $options[CURLOPT_POSTFIELDS] = json_encode($body === array() ? new stdClass() : $body);
        }
        curl_setopt_array($curl, $options);
        $answer = curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_HTTP_CODE);
        $decoded = is_string($answer) ? json_decode($answer, true) : null;
        if ($status !== 200 || !is_array($decoded)) {
            throw new RuntimeException("dsm-sim control $path answered HTTP $status: " . substr((string) $answer, 0, 300)
                . ' ' . curl_error($curl));
        }
        return $decoded;
    }

    public static function simStats($base)
    {
        return self::control($base, '/stats');
    }

    /** b - a for the counters of /control/stats (per_api too). */
    public static function statsDelta(array $a, array $b)
    {
        $d = array();
        foreach (array('requests', 'logins', 'subrequests', 'without_synotoken') as $k) {
            $d[$k] = (int) (isset($b[$k]) ? $b[$k] : 0) - (int) (isset($a[$k]) ? $a[$k] : 0);
        }
        $d['per_api'] = array();
        $pb = isset($b['per_api']) && is_array($b['per_api']) ? $b['per_api'] : array();
        $pa = isset($a['per_api']) && is_array($a['per_api']) ? $a['per_api'] : array();
        foreach ($pb as $api => $n) {
            $delta = (int) $n - (int) (isset($pa[$api]) ? $pa[$api] : 0);
            if ($delta !== 0) {
                $d['per_api'][$api] = $delta;
            }
        }
        ksort($d['per_api']);
        return $d;
    }

    // ---------------------------------------------------------------------------------------------------
    // MariaDB counters (SHOW GLOBAL STATUS on the private server: nothing else uses it)
    // ---------------------------------------------------------------------------------------------------

    const SQL_COUNTERS = array('Questions', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_begin',
        'Com_commit', 'Com_rollback', 'Com_stmt_prepare', 'Com_stmt_execute', 'Com_stmt_close', 'Com_show_status',
        'Com_set_option', 'Com_select_for_update');

    public static function sqlStatus()
    {
        $rows = WhmcsHarness::db()->query('SHOW GLOBAL STATUS')->fetchAll(PDO::FETCH_KEY_PAIR);
        $out = array();
        foreach (self::SQL_COUNTERS as $k) {
            if (isset($rows[$k])) {
                $out[$k] = (int) $rows[$k];
            }
        }
        return $out;
    }

    /**
     * The statements the daemon sent between two snapshots: counter deltas, without the second
     * SHOW GLOBAL STATUS itself (it counts in Questions and Com_show_status).
     */
    public static function sqlDelta(array $a, array $b)
    {
        $d = array();
        foreach ($b as $k => $v) {
            $d[$k] = $v - (isset($a[$k]) ? $a[$k] : 0);
        }
        if (isset($d['Questions'])) {
            $d['Questions'] -= 1;
        }
        if (isset($d['Com_show_status'])) {
            $d['Com_show_status'] -= 1;
        }
        foreach ($d as $k => $v) {
            if ($v === 0 && $k !== 'Questions') {
                unset($d[$k]);
            }
        }
        return $d;
    }

    // ---------------------------------------------------------------------------------------------------
    // The daemon process
    // ---------------------------------------------------------------------------------------------------

    public static function daemonPid()
    {
        return (int) self::requireEnv('BENCH_DAEMON_PID');
    }

    /** VmHWM and VmRSS of a process, in KiB. */
    public static function memory($pid)
    {
        $status = @file_get_contents("/proc/$pid/status");
        $out = array('VmHWM' => null, 'VmRSS' => null);
        if ($status === false) {
            return $out;
        }
        foreach (array_keys($out) as $k) {
            if (preg_match('/^' . $k . ':\s+(\d+)\s+kB/m', $status, $m)) {
                $out[$k] = (int) $m[1];
            }
        }
        return $out;
    }

    /** CPU time (user + system) of a process in ms, from /proc/<pid>/stat. */
    public static function cpuMs($pid)
    {
        $stat = @file_get_contents("/proc/$pid/stat");
        if ($stat === false) {
            return null;
        }
        $fields = explode(' ', substr($stat, strrpos($stat, ')') + 2));
        $ticks = (int) $fields[11] + (int) $fields[12];
        return $ticks * 1000 / 100; // CLK_TCK is 100 on Linux
    }

    /**
     * Total microseconds during which some runnable task waited for a CPU (/proc/pressure/cpu, PSI), or null.
     * The difference over an interval divided by its length is the share of that interval the machine was
     * short of CPU: the noise indicator of this shared 2-core machine.
     */
    public static function cpuStallUs()
    {
        $psi = @file_get_contents('/proc/pressure/cpu');
        if ($psi !== false && preg_match('/^some .*total=(\d+)/m', $psi, $m)) {
            return (int) $m[1];
        }
        return null;
    }

    /** CPU pressure in % between two cpuStallUs() readings taken $wallMs apart. */
    public static function cpuPressure($stall0, $stall1, $wallMs)
    {
        if ($stall0 === null || $stall1 === null || $wallMs <= 0) {
            return null;
        }
        return round(($stall1 - $stall0) / ($wallMs * 10), 1);
    }

    /** Bytes of the daemon log so far (to read only what a scenario adds). */
    public static function daemonLogOffset()
    {
        clearstatcache();
        $f = self::requireEnv('BENCH_DAEMON_LOG');
        return is_file($f) ? filesize($f) : 0;
    }

    /**
     * The daemon's own handling time of each request to $path logged after $offset:
     * "POST /v1/server/test -> 200 in 1.2 ms (3 DSM calls)" (src/api/server.cpp).
     * @return float[] ms
     */
    public static function daemonHandlingMs($offset, $path)
    {
        $f = fopen(self::requireEnv('BENCH_DAEMON_LOG'), 'r');
        fseek($f, $offset);
        $out = array();
        $needle = ' ' . $path . ' -> ';
        while (($line = fgets($f)) !== false) {
            if (strpos($line, $needle) !== false && preg_match('/ -> \d+ in ([0-9.]+) ms/', $line, $m)) {
                $out[] = (float) $m[1];
            }
        }
        fclose($f);
        return $out;
    }

    /** A client signing like the module (DaemonClient of the module), for calls that bypass a module function. */
    public static function daemon()
    {
        return new DaemonClient(self::requireEnv('PUQ_DAEMON_URL'), self::requireEnv('PUQ_SECRET_FILE'), 900, 5);
    }

    // ---------------------------------------------------------------------------------------------------
    // Seeding: bulk rows, not one INSERT per service
    // ---------------------------------------------------------------------------------------------------

    /** Multi-row INSERT of $rows (same keys) in statements of $chunk rows; returns the first new id. */
    public static function bulkInsert($table, array $rows, $chunk = 1000)
    {
        if (empty($rows)) {
            return 0;
        }
        $pdo = WhmcsHarness::db();
        $cols = array_keys($rows[0]);
        $colSql = implode(', ', array_map(function ($c) {
            return '`' . $c . '`';
        }, $cols));
        $first = 0;
        foreach (array_chunk($rows, $chunk) as $part) {
            $tuple = '(' . implode(', ', array_fill(0, count($cols), '?')) . ')';
            $sql = 'INSERT INTO `' . $table . '` (' . $colSql . ') VALUES ' . implode(', ', array_fill(0, count($part), $tuple));
            $args = array();
            foreach ($part as $row) {
                foreach ($cols as $c) {
                    $args[] = $row[$c];
                }
            }
            $pdo->prepare($sql)->execute($args);
            if ($first === 0) {
                $first = (int) $pdo->lastInsertId();
            }
        }
        return $first;
    }

    /** A tblhosting row as WhmcsHarness::seedService() makes it, with the given fields. */
    public static function hostingRow($clientId, $productId, $serverId, $username, $status, $password)
    {
        $today = date('Y-m-d');
        $next = date('Y-m-d', strtotime('+1 month'));
        $now = date('Y-m-d H:i:s');
        return array(
            'userid' => (int) $clientId, 'orderid' => 0, 'packageid' => (int) $productId, 'server' => (int) $serverId,
            'regdate' => $today, 'domain' => '', 'paymentmethod' => 'banktransfer', 'billingcycle' => 'Monthly',
            'nextduedate' => $next, 'nextinvoicedate' => $next, 'domainstatus' => $status, 'username' => $username,
            'password' => $password, 'notes' => '', 'subscriptionid' => '', 'promoid' => 0, 'suspendreason' => '',
            'overideautosuspend' => 0, 'overidesuspenduntil' => '0000-00-00', 'dedicatedip' => '', 'assignedips' => '',
            'ns1' => '', 'ns2' => '', 'created_at' => $now, 'updated_at' => $now,
        );
    }

    /** The dsm-sim generated name of user $i (1-based) out of $count. */
    public static function simUserName($prefix, $i, $count)
    {
        $width = max(4, strlen((string) $count));
        return $prefix . str_pad((string) $i, $width, '0', STR_PAD_LEFT);
    }

    /** A WHMCS server row for a simulator listening on $httpsPort (the daemon trusts its certificate). */
    public static function seedSimServer($name, $httpsPort)
    {
        return WhmcsHarness::seedServer(array(
            'name' => $name, 'host' => 'localhost', 'ip' => '127.0.0.1', 'port' => (int) $httpsPort, 'secure' => true,
            'username' => self::requireEnv('DSM_ADMIN_USER'), 'password' => self::requireEnv('DSM_ADMIN_PASS'),
        ));
    }

    // ---------------------------------------------------------------------------------------------------
    // Module calls through the harness
    // ---------------------------------------------------------------------------------------------------

    /**
     * The daemon's answer of the last module log entry of $action (the module logs it without dsm_calls),
     * and how many DSM entries the module logged.
     */
    public static function lastAnswer($action)
    {
        $entries = WhmcsHarness::moduleLogEntries($action);
        if (empty($entries)) {
            return null;
        }
        $e = end($entries);
        return is_array($e['raw']['response']) ? $e['raw']['response'] : array('raw' => $e['response']);
    }

    /** Machine line for the report: nproc, CPU model, RAM, date, load. */
    public static function machine()
    {
        $cpu = 'unknown';
        foreach (@file('/proc/cpuinfo') ?: array() as $line) {
            if (strncmp($line, 'model name', 10) === 0) {
                $cpu = trim(substr($line, strpos($line, ':') + 1));
                break;
            }
        }
        $mem = 0;
        if (preg_match('/^MemTotal:\s+(\d+)/m', (string) @file_get_contents('/proc/meminfo'), $m)) {
            $mem = (int) $m[1];
        }
        $load = trim((string) @file_get_contents('/proc/loadavg'));
        $psi = (string) @file_get_contents('/proc/pressure/cpu');
        $pressure = preg_match('/^some avg10=([0-9.]+) avg60=([0-9.]+)/m', $psi, $pm) ? $pm[2] : null;
        return array(
            'nproc' => (int) trim((string) shell_exec('nproc')),
            'cpu' => $cpu,
            'ram_gib' => round($mem / 1048576, 1),
            'kernel' => php_uname('r'),
            'php' => PHP_VERSION,
            'date' => gmdate('Y-m-d H:i') . ' UTC',
            'loadavg' => implode(' ', array_slice(explode(' ', $load), 0, 3)),
            'cpu_pressure_avg60' => $pressure,
        );
    }
}
