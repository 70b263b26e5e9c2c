<?php
/**
 * The per-user baseline: how the free WHMCS Synology modules update usage, run against the same simulator
 * and the same WHMCS database as the daemon's sync.
 *
 * For each service of the server, one after the other:
 *   1. SYNO.API.Auth login as the NAS admin (a new HTTPS connection: the free modules make a new curl handle
 *      per request). They put the credentials in the query string; this POSTs them, which costs the same.
 *   2. SYNO.Core.Quota get for that service's user (another new connection).
 *   3. One UPDATE of that service's tblhosting row through PDO.
 *   No logout: the free module does not log out either.
 *
 *   php bench/baseline-per-user.php --users=500 --runs=3
 *
 * The figures are per user; bench/report.php extrapolates them linearly to 1,000 and 10,000 users and says so.
 */

require __DIR__ . '/lib.php';

$opt = Bench::options($argv);
$n = (int) (isset($opt['users']) ? $opt['users'] : 500);
$runs = max(1, (int) (isset($opt['runs']) ? $opt['runs'] : 1));

$state = Bench::state();
$sizes = array_map('intval', array_keys($state['sync_servers']));
sort($sizes);
$size = null;
foreach ($sizes as $s) {
    if ($s >= $n) {
        $size = $s;
        break;
    }
}
if ($size === null) {
    fwrite(STDERR, "baseline: no seeded server has $n services\n");
    exit(2);
}
$serverId = $state['sync_servers'][(string) $size];
$pdo = WhmcsHarness::db();
$services = $pdo->query('SELECT h.id, h.username, p.configoption1, p.configoption2 FROM tblhosting h'
    . ' JOIN tblproducts p ON p.id = h.packageid WHERE h.server = ' . (int) $serverId . ' ORDER BY h.id LIMIT ' . $n)
    ->fetchAll(PDO::FETCH_ASSOC);
$server = WhmcsHarness::paramsForServer($serverId);
$base = 'https://' . $server['serverhostname'] . ':' . $server['serverport'] . '/webapi/entry.cgi';
$ca = Bench::requireEnv('DSM_SIM_CERT');
$control = Bench::requireEnv('DSM_SIM_CONTROL_URL');

/** One DSM request on a new connection, as the free modules do it. */
function dsm_request($url, array $fields, $ca)
{
    $curl = curl_init($url);
    curl_setopt_array($curl, array(
        CURLOPT_RETURNTRANSFER => true, CURLOPT_POST => true, CURLOPT_POSTFIELDS => http_build_query($fields),
        CURLOPT_TIMEOUT => 30, CURLOPT_CONNECTTIMEOUT => 5, CURLOPT_PROXY => '', CURLOPT_CAINFO => $ca,
        CURLOPT_SSL_VERIFYPEER => true, CURLOPT_SSL_VERIFYHOST => 2, CURLOPT_HTTPHEADER => array('Expect:'),
    ));
    $body = curl_exec($curl);
    $error = curl_error($curl);
    $data = is_string($body) ? json_decode($body, true) : null;
    if (!is_array($data) || empty($data['success'])) {
        throw new RuntimeException('DSM ' . $fields['api'] . ' failed: ' . ($body === false ? $error : substr($body, 0, 200)));
    }
    return $data['data'];
}

$update = $pdo->prepare('UPDATE tblhosting SET diskusage = ?, disklimit = ?, lastupdate = NOW() WHERE id = ?');
$out = array();
for ($r = 0; $r < $runs; $r++) {
    $stats0 = Bench::simStats($control);
    $sql0 = Bench::sqlStatus();
    $t0 = Bench::nowMs();
    foreach ($services as $s) {
        $login = dsm_request($base, array('api' => 'SYNO.API.Auth', 'version' => '6', 'method' => 'login',
            'account' => $server['serverusername'], 'passwd' => $server['serverpassword'], 'session' => 'FileStation',
            'format' => 'sid'), $ca);
        $quota = dsm_request($base, array('api' => 'SYNO.Core.Quota', 'version' => '1', 'method' => 'get',
            'name' => $s['username'], '_sid' => $login['sid']), $ca);
        $used = 0;
        foreach ($quota['user_quota'] as $volume) {
            foreach ($volume['shares'] as $share) {
                $used += (int) $share['used'];
            }
        }
        $limit = (int) $s['configoption1'] * ($s['configoption2'] === 'TB' ? 1048576 : ($s['configoption2'] === 'GB' ? 1024 : 1));
        $update->execute(array($used, $limit, $s['id']));
    }
    $wall = Bench::nowMs() - $t0;
    $sql = Bench::sqlDelta($sql0, Bench::sqlStatus());
    $sim = Bench::statsDelta($stats0, Bench::simStats($control));
    $out[] = $m = array('users' => count($services), 'wall_ms' => round($wall, 1), 'per_user_ms' => round($wall / count($services), 2),
        'dsm_requests' => $sim['requests'], 'dsm_logins' => $sim['logins'], 'sql' => $sql);
    Bench::say(sprintf('baseline run %d: %d users in %.1f s = %.1f ms per user, %d DSM requests, %d logins, %d SQL statements',
        $r + 1, count($services), $wall / 1000, $m['per_user_ms'], $m['dsm_requests'], $m['dsm_logins'], $sql['Questions']));
}
Bench::record('baseline', array('users' => count($services), 'runs' => $out,
    'latency_ms' => (float) Bench::env('BENCH_LATENCY_MS')));
