<?php
/**
 * The demo behind `make demo`: one NAS storage service's whole life, driven through the WHMCS module
 * exactly as WHMCS would call it (the harness in tests/php/bootstrap.php builds $params from the WHMCS
 * database rows), against the stack of scripts/stack-up.sh (MariaDB, dsm-sim, puq-synologyd).
 * Prints each step with what DSM and tblhosting say afterwards. Exits non-zero on the first failure.
 */
require __DIR__ . '/../tests/php/bootstrap.php';
require_once __DIR__ . '/../tests/php/support/SimControl.php';

$missing = WhmcsHarness::missingEnv(array('PUQ_DAEMON_URL', 'PUQ_SECRET_FILE', 'DSM_HOST', 'DSM_PORT',
    'DSM_ADMIN_USER', 'DSM_ADMIN_PASS', 'DSM_SIM_CONTROL_URL'));
if ($missing) {
    fwrite(STDERR, "demo: the stack is not running (missing " . implode(', ', $missing) . "); use `make demo`\n");
    exit(1);
}
$sim = new SimControl(WhmcsHarness::env('DSM_SIM_CONTROL_URL'));

function say($title) { echo "\n\033[1m-- $title\033[0m\n"; }
function show($label, $value) {
    printf("   %-22s %s\n", $label . ':', is_string($value) ? $value : json_encode($value, JSON_UNESCAPED_SLASHES));
}
function must($ok, $what) {
    if (!$ok) { fwrite(STDERR, "\ndemo FAILED: $what\n"); exit(1); }
}
function dsmUser(SimControl $sim, $name) {
    $user = SimControl::findUser($sim->state(), $name);
    return $user === null ? null : array('name' => $user['name'], 'expired' => $user['expired'],
        'groups' => $user['groups'], 'email' => $user['email'], 'description' => $user['description']);
}
function hostingRow($serviceId) {
    $row = WhmcsHarness::row('tblhosting', $serviceId);
    return array('id' => (int) $row['id'], 'username' => $row['username'], 'domainstatus' => $row['domainstatus'],
        'password' => $row['password'] === '' ? '' : '(encrypted by WHMCS, ' . strlen($row['password']) . ' chars)');
}
function call($function, array $params) {
    $fn = 'puqSynology_' . $function;
    $t = microtime(true);
    $result = $fn($params);
    printf("   %-22s %s  (%.0f ms)\n", $function . ':', is_string($result) ? $result : json_encode($result), (microtime(true) - $t) * 1000);
    return $result;
}

say('WHMCS: a client, a server group with the NAS, products "10 GB" (group 10G) and "100 GB" (group 100G)');
$clientId = WhmcsHarness::seedClient(array('firstname' => 'Alice', 'lastname' => 'Demo', 'email' => 'alice@example.com'));
$groupId = WhmcsHarness::seedServerGroup('Synology NAS');
$serverId = WhmcsHarness::seedServer(array(
    'name' => 'NAS (dsm-sim)', 'host' => WhmcsHarness::env('DSM_HOST'), 'port' => WhmcsHarness::env('DSM_PORT'),
    'secure' => WhmcsHarness::env('DSM_SECURE', '1') === '1', 'username' => WhmcsHarness::env('DSM_ADMIN_USER'),
    'password' => WhmcsHarness::env('DSM_ADMIN_PASS'),
), $groupId);
$small = WhmcsHarness::seedProduct(array(1 => '10', 2 => 'GB', 3 => '10G'), $groupId, array('name' => 'NAS 10 GB'));
$large = WhmcsHarness::seedProduct(array(1 => '100', 2 => 'GB', 3 => '100G'), $groupId, array('name' => 'NAS 100 GB'));
$serviceId = WhmcsHarness::seedService($clientId, $small, $serverId);
show('client', "#$clientId Alice Demo <alice@example.com>");
show('server', "#$serverId https://" . WhmcsHarness::env('DSM_HOST') . ':' . WhmcsHarness::env('DSM_PORT'));
show('service', "#$serviceId on product #$small");

say('Server → Test Connection');
$r = call('TestConnection', WhmcsHarness::paramsForServer($serverId));
must(!empty($r['success']), 'TestConnection: ' . (isset($r['error']) ? $r['error'] : ''));

say('Product → Module Settings → "Synology group" drop-down (Loader, live from the NAS)');
$params = WhmcsHarness::paramsForService($serviceId);
$groups = puqSynology_LoaderGroups($params);
show('groups', array_keys($groups));
must(isset($groups['10G']), 'group 10G listed');

say('Order accepted → CreateAccount');
must(call('CreateAccount', $params) === 'success', 'CreateAccount');
$row = hostingRow($serviceId);
$username = $row['username'];
show('tblhosting', $row);
show('DSM user', dsmUser($sim, $username));
must(dsmUser($sim, $username) !== null && in_array('10G', dsmUser($sim, $username)['groups'], true), 'user in 10G');

say('WHMCS retries CreateAccount (say, after a timeout): no second user');
$before = count($sim->state()['users']);
must(call('CreateAccount', WhmcsHarness::paramsForService($serviceId)) === 'success', 'CreateAccount retry');
show('DSM users before/after', $before . ' / ' . count($sim->state()['users']));
must(count($sim->state()['users']) === $before, 'no second user');

say('Admin service tab');
foreach (puqSynology_AdminServicesTabFields(WhmcsHarness::paramsForService($serviceId)) as $label => $html) {
    show($label, trim(preg_replace('/\s+/', ' ', strip_tags($html))));
}

say('Invoice overdue → SuspendAccount, then paid → UnsuspendAccount');
must(call('SuspendAccount', WhmcsHarness::paramsForService($serviceId)) === 'success', 'SuspendAccount');
show('DSM expired', dsmUser($sim, $username)['expired']);
must(call('UnsuspendAccount', WhmcsHarness::paramsForService($serviceId)) === 'success', 'UnsuspendAccount');
show('DSM expired', dsmUser($sim, $username)['expired']);

say('Client → Change Password (a weak one first)');
$p = WhmcsHarness::paramsForService($serviceId);
$p['password'] = 'weak';
$weak = call('ChangePassword', $p);
must($weak !== 'success', 'weak password refused');
$p['password'] = 'Demo-Passw0rd-2026';
must(call('ChangePassword', $p) === 'success', 'ChangePassword');

say('Upgrade to "NAS 100 GB" → ChangePackage (WHMCS sets the new product first)');
WhmcsHarness::update('tblhosting', $serviceId, array('packageid' => $large));
must(call('ChangePackage', WhmcsHarness::paramsForService($serviceId)) === 'success', 'ChangePackage');
show('DSM groups', dsmUser($sim, $username)['groups']);

say('Cancellation → TerminateAccount, then once more (the user is already gone)');
must(call('TerminateAccount', WhmcsHarness::paramsForService($serviceId)) === 'success', 'TerminateAccount');
show('DSM user', dsmUser($sim, $username) === null ? '(gone)' : dsmUser($sim, $username));
must(dsmUser($sim, $username) === null, 'user deleted');
must(call('TerminateAccount', WhmcsHarness::paramsForService($serviceId)) === 'success', 'TerminateAccount again');

say('Module log (Utilities → Logs → Module Log): ' . count(WhmcsHarness::moduleLogEntries()) . ' entries, secrets masked');
foreach (array_slice(WhmcsHarness::moduleLogEntries(), 0, 6) as $entry) {
    show($entry['action'], substr(preg_replace('/\s+/', ' ', WhmcsHarness::stringify($entry['request'])), 0, 90));
}
$secret = trim(file_get_contents(WhmcsHarness::env('PUQ_SECRET_FILE')));
foreach (array('DSM admin password' => WhmcsHarness::env('DSM_ADMIN_PASS'), 'daemon secret' => $secret,
               'client password' => 'Demo-Passw0rd-2026') as $label => $value) {
    must(strpos(WhmcsHarness::moduleLogText(), $value) === false, "$label leaked into the module log");
}
show('secrets in module log', 'none');
echo "\n\033[1mDemo finished: the service lived and died as WHMCS would drive it.\033[0m\n";
