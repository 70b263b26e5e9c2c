<?php
/**
 * Turns the measurements of one `make bench` ($BENCH_RESULTS, JSON lines written by bench/run.php and
 * bench/baseline-per-user.php) into ONE table: scenario, metric, value, target, met/MISSED, ratio/note.
 *
 *   php bench/report.php [--out=build/bench/results.md] [--doc=docs/performance.md] [--elapsed=SECONDS]
 *
 * Prints the aligned table, writes it as Markdown to --out, and replaces the block between
 * "<!-- bench:results:begin -->" and "<!-- bench:results:end -->" in --doc with the table and the machine line.
 * Every figure is the median of the runs of its scenario (the count is in the note).
 */

$opt = array();
foreach (array_slice($argv, 1) as $arg) {
    if (preg_match('/^--([a-z-]+)=(.*)$/s', $arg, $m)) {
        $opt[$m[1]] = $m[2];
    }
}
$file = getenv('BENCH_RESULTS') ?: dirname(__DIR__) . '/build/bench/results.jsonl';
if (!is_file($file)) {
    fwrite(STDERR, "report: no results in $file (run make bench)\n");
    exit(1);
}
$records = array();
foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
    $r = json_decode($line, true);
    if (is_array($r)) {
        $records[$r['scenario']][] = $r;
    }
}

function med(array $v)
{
    $v = array_values(array_filter($v, function ($x) {
        return $x !== null;
    }));
    if (empty($v)) {
        return null;
    }
    sort($v);
    $n = count($v);
    return $n % 2 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
}

function col(array $runs, $key)
{
    return array_map(function ($r) use ($key) {
        return isset($r[$key]) ? $r[$key] : null;
    }, $runs);
}

function fmt_ms($ms)
{
    if ($ms === null) {
        return 'n/a';
    }
    return $ms >= 10000 ? sprintf('%.1f s', $ms / 1000) : ($ms >= 1000 ? sprintf('%.2f s', $ms / 1000)
        : ($ms >= 10 ? sprintf('%.0f ms', $ms) : sprintf('%.2f ms', $ms)));
}

function fmt_mib($kib)
{
    return $kib === null ? 'n/a' : sprintf('%.1f MiB', $kib / 1024);
}

function fmt_n($n)
{
    return $n === null ? 'n/a' : (is_float($n) && floor($n) != $n ? number_format($n, 1) : number_format($n));
}

function verdict($ok)
{
    return $ok === null ? '' : ($ok ? 'met' : 'MISSED');
}

$rows = array();
function row($scenario, $metric, $value, $target = '', $ok = null, $note = '')
{
    global $rows;
    $rows[] = array($scenario, $metric, $value, $target, verdict($ok), $note);
}

// ---------------------------------------------------------------------------------------------------------
// Baseline first: the sync rows compare with it.
// ---------------------------------------------------------------------------------------------------------
$baselinePerUser = null;
$baselineN = null;
$baselineRuns = 0;
if (!empty($records['baseline'])) {
    $b = end($records['baseline']);
    $baselinePerUser = med(col($b['runs'], 'per_user_ms'));
    $baselineN = $b['users'];
    $baselineRuns = count($b['runs']);
}
$extrapolated = function ($n) use ($baselinePerUser) {
    return $baselinePerUser === null ? null : $baselinePerUser * $n;
};
$baseNote = $baselineN === null ? '' : "extrapolated from $baselineN";

// ---------------------------------------------------------------------------------------------------------
// Sync of one NAS
// ---------------------------------------------------------------------------------------------------------
$syncBy = array();
foreach (isset($records['sync']) ? $records['sync'] : array() as $s) {
    $label = isset($s['label']) ? $s['label'] : 'default';
    $syncBy[$label][$s['users']] = $s;
}
$batchSize = 50;
foreach ($syncBy as $label => $bySize) {
    foreach ($bySize as $n => $s) {
        if (!in_array($n, array(1000, 10000), true) && $label === 'default') {
            continue;
        }
        if (preg_match('/usage_batch_size=(\d+)/', (string) $s['settings'], $m)) {
            $batchSize = (int) $m[1];
        }
        $runs = $s['runs'];
        $k = count($runs);
        $name = sprintf('Sync 1 NAS, %s users%s', number_format($n), $label === 'default' ? '' : " ($label)");
        $wall = med(col($runs, 'wall_ms'));
        $base = $extrapolated($n);
        $ratio = ($base && $wall) ? $base / $wall : null;
        $is10k = $n === 10000;
        row($name, 'wall time, UsageUpdate through the module', fmt_ms($wall), $is10k ? '<= 3 s' : '',
            $is10k ? $wall <= 3000 : null, "median of $k; daemon's own " . fmt_ms(med(col($runs, 'daemon_ms')))
            . '; CPU pressure ' . fmt_n(med(col($runs, 'cpu_pressure_pct'))) . '%');
        if ($ratio !== null) {
            row($name, 'speed-up vs per-user baseline', sprintf('%.0fx', $ratio), $is10k ? '>= 100x' : '',
                $is10k ? $ratio >= 100 : null, 'baseline ' . fmt_ms($base) . " ($baseNote)");
        }
        $limit = (int) ceil($n / $batchSize) + 3;
        $first = $runs[0];
        row($name, 'DSM HTTP requests (1st run: discovery + login + batches)', fmt_n($first['dsm_requests']),
            "<= $limit", $first['dsm_requests'] <= $limit, 'warm runs: ' . fmt_n(med(col(array_slice($runs, 1), 'dsm_requests')))
            . ' (' . fmt_n($first['dsm_subrequests']) . ' sub-requests)');
        $logins = array_sum(col($runs, 'dsm_logins'));
        row($name, 'DSM logins', fmt_n($logins), '1', $logins === 1, "over all $k runs (session reused)");
        $sql = med(array_map(function ($r) {
            return $r['sql']['Questions'];
        }, $runs));
        $s0 = $runs[count($runs) - 1]['sql'];
        row($name, 'SQL statements per sync', fmt_n($sql), '', null, sprintf('begin %d, select %d, update %d, insert %d, delete %d, commit %d',
            isset($s0['Com_begin']) ? $s0['Com_begin'] : 0, isset($s0['Com_select']) ? $s0['Com_select'] : 0, isset($s0['Com_update']) ? $s0['Com_update'] : 0,
            isset($s0['Com_insert']) ? $s0['Com_insert'] : 0, isset($s0['Com_delete']) ? $s0['Com_delete'] : 0,
            isset($s0['Com_commit']) ? $s0['Com_commit'] : 0));
        row($name, 'daemon peak RSS (VmHWM)', fmt_mib($s['daemon_after_kib']['VmHWM']), '', null,
            'fresh daemon; ' . fmt_mib($s['daemon_idle_kib']['VmHWM']) . ' before the first sync');
    }
}

if ($baselinePerUser !== null) {
    $b = end($records['baseline']);
    $r0 = $b['runs'][0];
    $name = 'Per-user baseline (PHP, free-module style)';
    row($name, 'time per user', fmt_ms($baselinePerUser), '', null, "median of $baselineRuns runs of $baselineN users");
    row($name, 'time for 1,000 users', fmt_ms($extrapolated(1000)), '', null, $baseNote);
    row($name, 'time for 10,000 users', fmt_ms($extrapolated(10000)), '', null, $baseNote);
    row($name, 'DSM requests / logins / SQL per user', sprintf('%s / %s / %s', fmt_n($r0['dsm_requests'] / $r0['users']),
        fmt_n($r0['dsm_logins'] / $r0['users']), fmt_n($r0['sql']['Questions'] / $r0['users'])), '', null, '');
}

// ---------------------------------------------------------------------------------------------------------
// 20 NAS at once
// ---------------------------------------------------------------------------------------------------------
foreach (isset($records['multi']) ? $records['multi'] : array() as $m) {
    $name = sprintf('%d NAS x %s users at once (%s)', $m['nas'], number_format($m['users']), $m['label']);
    $runs = $m['runs'];
    $k = count($runs);
    $wall = med(col($runs, 'wall_ms'));
    $ok = array_sum(col($runs, 'calls_ok'));
    $calls = array_sum(col($runs, 'calls'));
    row($name, 'wall time of all calls', fmt_ms($wall), '<= 10 s', $wall <= 10000,
        sprintf('median of %d; %d/%d calls ok; one call %s..%s', $k, $ok, $calls, fmt_ms(med(col($runs, 'call_ms_min'))),
            fmt_ms(med(col($runs, 'call_ms_max')))));
    row($name, 'daemon peak RSS (VmHWM)', fmt_mib($m['daemon_after_kib']['VmHWM']), '<= 64 MiB',
        $m['daemon_after_kib']['VmHWM'] <= 64 * 1024, 'fresh daemon; ' . fmt_mib($m['daemon_idle_kib']['VmHWM']) . ' idle');
    row($name, 'DSM requests / logins per round', fmt_n(med(col($runs, 'dsm_requests'))) . ' / '
        . fmt_n(med(col($runs, 'dsm_logins'))), '', null, 'logins of the first round: ' . fmt_n($runs[0]['dsm_logins'])
        . '; daemon CPU ' . fmt_ms(med(col($runs, 'daemon_cpu_ms'))) . ' per round; CPU pressure '
        . fmt_n(med(col($runs, 'cpu_pressure_pct'))) . '%');
    $failures = array();
    foreach ($runs as $i => $run) {
        foreach (isset($run['failures']) ? $run['failures'] : array() as $f) {
            $failures[] = 'round ' . ($i + 1) . ': ' . (isset($f['result']) ? substr($f['result'], 0, 70) : (isset($f['error']) ? $f['error'] : '?'));
        }
    }
    if (!empty($failures)) {
        row($name, 'failed calls', fmt_n(count($failures)) . ' of ' . fmt_n($calls), '0', false,
            implode('; ', array_slice(array_unique($failures), 0, 2)));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Module call overhead
// ---------------------------------------------------------------------------------------------------------
foreach (isset($records['overhead']) ? $records['overhead'] : array() as $o) {
    $name = sprintf('Module call overhead: %s (NAS with %s users, latency 0)', $o['command'], number_format($o['nas_users']));
    row($name, 'PHP call p50 / p99', fmt_ms($o['php_p50_ms']) . ' / ' . fmt_ms($o['php_p99_ms']), '', null,
        sprintf('%d calls, %d failed; %s DSM requests per call; daemon CPU %s per call; CPU pressure %s%%', $o['calls'],
            $o['failed'], fmt_n($o['dsm_requests_per_call']),
            isset($o['daemon_cpu_ms_per_call']) ? fmt_ms($o['daemon_cpu_ms_per_call']) : 'n/a',
            isset($o['cpu_pressure_pct']) ? $o['cpu_pressure_pct'] : 'n/a'));
    foreach ($o['daemon'] as $path => $h) {
        row($name, "daemon handling p50 / p99, $path", fmt_ms($h['p50']) . ' / ' . fmt_ms($h['p99']), 'p99 <= 5 ms',
            $h['p99'] !== null && $h['p99'] <= 5, 'max ' . fmt_ms($h['max']) . ' (daemon log)');
    }
}

// ---------------------------------------------------------------------------------------------------------
// CreateAccount
// ---------------------------------------------------------------------------------------------------------
if (!empty($records['create'])) {
    $c = end($records['create']);
    $name = 'CreateAccount (warm session)';
    $s = $c['serial'];
    $apis = array();
    foreach ($s['per_api_mean'] as $api => $n) {
        $apis[] = preg_replace('/^SYNO\.(Core\.)?/', '', $api) . ' ' . fmt_n($n);
    }
    row($name, 'DSM requests per account', fmt_n($s['requests_median']), '<= 5', $s['requests_median'] <= 5,
        implode(', ', $apis));
    row($name, 'one call (one caller)', fmt_ms($s['call_ms_median']), '', null, sprintf('median of %d; latency %s ms per DSM request',
        $s['accounts'], $c['latency_ms']));
    $rates = col($c['concurrent'], 'per_second');
    if (!empty($rates)) {
        $first = $c['concurrent'][0];
        row($name, sprintf('accounts per second, %d callers', $first['callers']), fmt_n(med($rates)) . '/s', '', null,
            sprintf('median of %d rounds of %d; call median %s, p99 %s', count($rates), $first['accounts'],
                fmt_ms(med(col($c['concurrent'], 'call_ms_median'))), fmt_ms(med(col($c['concurrent'], 'call_ms_p99')))));
    }
    if (!empty($c['big'])) {
        row($name, sprintf('one call on a NAS with %s users', number_format($c['big']['nas_users'])),
            fmt_ms($c['big']['call_ms_median']), '', null, sprintf('median of %d; %s DSM requests', $c['big']['accounts'],
                fmt_n($c['big']['requests_median'])));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------------------
if (!empty($records['load'])) {
    $l = end($records['load']);
    $name = sprintf('Load: %d module calls at once for %.0f s', $l['callers'], $l['seconds']);
    $kinds = array();
    foreach ($l['per_kind'] as $kind => $k) {
        $kinds[] = sprintf('%s %s (p99 %s)', $kind, fmt_n($k['calls']), fmt_ms($k['p99_ms']));
    }
    row($name, 'failed calls', fmt_n($l['failed']) . ' of ' . fmt_n($l['calls']), '0', $l['failed'] === 0,
        sprintf('%s calls/s; %s', fmt_n($l['per_second']), implode(', ', $kinds)));
    row($name, 'lost writes / orphan DSM users', fmt_n($l['lost_writes']) . ' / ' . fmt_n($l['orphan_dsm_users']), '0 / 0',
        $l['lost_writes'] === 0 && $l['orphan_dsm_users'] === 0,
        sprintf('%s accounts created; every one and every Suspend/Unsuspend checked on the NAS and in tblhosting',
            fmt_n($l['creates_ok'])));
    row($name, 'call p50 / p99 (PHP, whole module call)', fmt_ms($l['p50_ms']) . ' / ' . fmt_ms($l['p99_ms']), '', null,
        sprintf('max %s; latency %s ms per DSM request; %s', fmt_ms($l['max_ms']), $l['latency_ms'], $l['settings']));
    row($name, 'daemon peak RSS (VmHWM)', fmt_mib($l['daemon_after_kib']['VmHWM']), '', null,
        sprintf('%s DSM requests, %s logins, daemon CPU %s', fmt_n($l['dsm_requests']), fmt_n($l['dsm_logins']),
            fmt_ms($l['daemon_cpu_ms'])));
}

// ---------------------------------------------------------------------------------------------------------
// Database phase
// ---------------------------------------------------------------------------------------------------------
$dbLog = null;
$dbSlow = null;
foreach (isset($records['dbwrites']) ? $records['dbwrites'] : array() as $d) {
    if (isset($d['mode']) && $d['mode'] === 'slowlog') {
        $dbSlow = $d;
    } else {
        $dbLog = $d;
    }
}
if ($dbLog !== null || $dbSlow !== null) {
    $users = $dbLog !== null ? $dbLog['users'] : $dbSlow['users'];
    $name = sprintf('Database writes, %s services in one sync', number_format($users));
    if ($dbLog !== null && !empty($dbLog['runs'])) {
        $phase = med(col($dbLog['runs'], 'db_phase_ms'));
        row($name, 'database phase (last DSM answer to end of sync)', fmt_ms($phase), '<= 300 ms', $phase !== null && $phase <= 300,
            sprintf('median of %d; daemon log timestamps (debug); DSM phase before it %s', count($dbLog['runs']),
                fmt_ms(med(col($dbLog['runs'], 'dsm_phase_ms')))));
    }
    if ($dbSlow !== null && !empty($dbSlow['runs'])) {
        $sum = med(col($dbSlow['runs'], 'db_write_statements_ms'));
        $last = end($dbSlow['runs']);
        $parts = array();
        foreach ($last['db_statements'] as $kind => $k) {
            if (in_array($kind, array('SELECT services (read)', 'SET (new connection)'), true)) {
                continue;
            }
            $parts[] = sprintf('%s %dx %s', $kind, $k['count'], fmt_ms($k['ms']));
        }
        row($name, 'server time of the write statements (sum)', fmt_ms($sum), '', null,
            sprintf('median of %d, MariaDB slow log at long_query_time 0 (last run: %s)', count($dbSlow['runs']), implode(', ', $parts)));
        if (isset($last['db_statements']['UPDATE tblhosting'])) {
            $u = $last['db_statements']['UPDATE tblhosting'];
            row($name, 'rows examined by UPDATE tblhosting', fmt_n($u['rows_examined']), '', null,
                sprintf('%s rows changed: the primary key is used', fmt_n($u['rows_affected'])));
        }
        row($name, 'database phase with the slow log on', fmt_ms(med(col($dbSlow['runs'], 'db_phase_ms'))), '', null,
            'first write starts to last ends: ' . fmt_ms(med(col($dbSlow['runs'], 'db_write_window_ms'))) . ' (slow log)');
    }
    if ($dbLog !== null && !empty($dbLog['zero_latency_runs'])) {
        $z = $dbLog['zero_latency_runs'];
        row($name, 'whole sync at DSM latency 0', fmt_ms(med(col($z, 'wall_ms'))), '', null,
            sprintf('median of %d; DSM phase %s, database phase %s, daemon CPU %s', count($z), fmt_ms(med(col($z, 'dsm_phase_ms'))),
                fmt_ms(med(col($z, 'db_phase_ms'))), fmt_ms(med(col($z, 'daemon_cpu_ms')))));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Scaling line
// ---------------------------------------------------------------------------------------------------------
if (!empty($syncBy['default'])) {
    ksort($syncBy['default']);
    $first = null;
    foreach ($syncBy['default'] as $n => $s) {
        $runs = $s['runs'];
        $wall = med(col($runs, 'wall_ms'));
        $warm = count($runs) > 1 ? array_slice($runs, 1) : $runs;
        $req = med(col($warm, 'dsm_requests'));
        $first = $first === null ? array($n, $wall) : $first;
        row('Scaling line (one NAS, default settings)', sprintf('%s users', number_format($n)), fmt_ms($wall), '', null,
            sprintf('%s per 1,000 users; %s DSM requests (users/%d = %d); x%.1f time for x%.0f users; median of %d',
                fmt_ms($wall / $n * 1000), fmt_n($req), $batchSize, (int) ceil($n / $batchSize), $wall / $first[1], $n / $first[0],
                count($runs)));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------------------
$head = array('Scenario', 'Metric', 'Value', 'Target', 'Met', 'Ratio / note');
$widths = array();
foreach (array_merge(array($head), $rows) as $r) {
    foreach ($r as $i => $cell) {
        $widths[$i] = max(isset($widths[$i]) ? $widths[$i] : 0, mb_strlen($cell));
    }
}
$text = '';
$prev = null;
foreach (array_merge(array($head), $rows) as $j => $r) {
    $cells = array();
    foreach ($r as $i => $cell) {
        $shown = ($j > 1 && $i === 0 && $cell === $prev) ? '' : $cell;
        $cells[] = $shown . str_repeat(' ', $widths[$i] - mb_strlen($shown));
    }
    if ($j > 0) {
        $prev = $r[0];
    }
    $text .= rtrim(implode(' | ', $cells)) . "\n";
    if ($j === 0) {
        $text .= implode('-+-', array_map(function ($w) {
            return str_repeat('-', $w);
        }, $widths)) . "\n";
    }
}

$machine = null;
foreach (isset($records['machine']) ? $records['machine'] : array() as $m) {
    if ($m['when'] === 'start') {
        $machine = $m;
    }
}
$psi = function ($m) {
    return isset($m['cpu_pressure_avg60']) && $m['cpu_pressure_avg60'] !== null ? ' (CPU pressure ' . $m['cpu_pressure_avg60'] . '%)' : '';
};
$endMachine = null;
foreach (isset($records['machine']) ? $records['machine'] : array() as $m) {
    if ($m['when'] === 'end') {
        $endMachine = $m;
    }
}
$machineLine = $machine === null ? 'machine: unknown' : sprintf('%s; %d CPUs (nproc), %s, %s GiB RAM, Linux %s, PHP %s; load average %s%s at the start%s',
    $machine['date'], $machine['nproc'], $machine['cpu'], $machine['ram_gib'], $machine['kernel'], $machine['php'],
    $machine['loadavg'], $psi($machine), $endMachine === null ? '' : ', ' . $endMachine['loadavg'] . $psi($endMachine) . ' at the end');
$elapsed = isset($opt['elapsed']) ? (int) $opt['elapsed'] : null;
$runtime = $elapsed === null ? '' : sprintf('make bench ran %d min %02d s.', intdiv($elapsed, 60), $elapsed % 60);
$settings = '';
foreach (isset($records['sync']) ? $records['sync'] : array() as $s) {
    $settings = sprintf('simulator latency %s ms per request + %s ms per compound sub-request; daemon %s (unless the row says otherwise)',
        $s['latency_ms'], $s['subrequest_latency_ms'], $s['settings']);
    break;
}
$missed = count(array_filter($rows, function ($r) {
    return $r[4] === 'MISSED';
}));
$met = count(array_filter($rows, function ($r) {
    return $r[4] === 'met';
}));

echo $text;
echo "\n$met targets met, $missed MISSED. $machineLine\n";
if ($settings !== '') {
    echo "$settings\n";
}
if ($runtime !== '') {
    echo "$runtime\n";
}

// Markdown
$esc = function ($s) {
    return str_replace('|', '\\|', $s);
};
$md = '| ' . implode(' | ', $head) . " |\n|" . str_repeat('---|', count($head)) . "\n";
$prev = null;
foreach ($rows as $r) {
    $cells = array_map($esc, $r);
    if ($r[0] === $prev) {
        $cells[0] = '';
    }
    $prev = $r[0];
    if ($r[4] === 'MISSED') {
        $cells[4] = '**MISSED**';
    }
    $md .= '| ' . implode(' | ', $cells) . " |\n";
}
$block = "Machine: $machineLine.\n\n" . ($settings !== '' ? ucfirst($settings) . ".\n\n" : '') . $md . "\n"
    . "$met targets met, $missed MISSED." . ($runtime !== '' ? " $runtime" : '') . "\n";
if (isset($opt['out'])) {
    file_put_contents($opt['out'], "# make bench results\n\n" . $block);
    echo "written: {$opt['out']}\n";
}
if (isset($opt['doc'])) {
    $doc = is_file($opt['doc']) ? file_get_contents($opt['doc']) : '';
    $begin = '<!-- bench:results:begin -->';
    $end = '<!-- bench:results:end -->';
    $a = strpos($doc, $begin);
    $b = strpos($doc, $end);
    if ($a === false || $b === false || $b < $a) {
        $doc = rtrim($doc) . "\n\n## Latest results\n\n$begin\n$end\n";
        $a = strpos($doc, $begin);
        $b = strpos($doc, $end);
    }
    $doc = substr($doc, 0, $a + strlen($begin)) . "\n" . $block . substr($doc, $b);
    file_put_contents($opt['doc'], $doc);
    echo "updated: {$opt['doc']}\n";
}
