<?php
/**
 * WHMCS test harness: loads modules/servers/puqSynology the way WHMCS does and provides the WHMCS
 * functions the module uses (logModuleCall, localAPI, add_hook, logActivity, encrypt, decrypt), backed by a WHMCS
 * database when one is configured (WHMCS_DB_*), plus WhmcsHarness: seeding helpers and a $params builder
 * that mirrors WHMCS (docs/php-module.md, "The harness").
 *
 * Environment: read from the process environment, then from build/stack.env (written by `make stack`;
 * another file with PUQ_STACK_ENV). A variable already set in the environment wins over the file.
 *
 * Outside PHPUnit (`php -r 'require "tests/php/bootstrap.php"; ...'`) the same file drives the module
 * like WHMCS would, for demos and manual checks.
 */

error_reporting(E_ALL);
ini_set('display_errors', '1');

if (!defined('WHMCS')) {
    define('WHMCS', true);
}

define('PUQ_REPO_ROOT', dirname(__DIR__, 2));
define('PUQ_MODULE_DIR', PUQ_REPO_ROOT . '/php-shim/modules/servers/puqSynology');

/**
 * Loads KEY=VALUE lines (optionally "export KEY=VALUE", optionally quoted) into the environment, without
 * overriding variables that are already set.
 * @return string[] the names loaded
 */
function puq_harness_load_env_file($file)
{
    $loaded = array();
    if (!is_file($file) || !is_readable($file)) {
        return $loaded;
    }
    foreach (file($file, FILE_IGNORE_NEW_LINES) as $line) {
        $line = trim($line);
        if ($line === '' || $line[0] === '#') {
            continue;
        }
        if (strncmp($line, 'export ', 7) === 0) {
            $line = trim(substr($line, 7));
        }
        $eq = strpos($line, '=');
        if ($eq === false) {
            continue;
        }
        $name = trim(substr($line, 0, $eq));
        $value = trim(substr($line, $eq + 1));
        if (!preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/', $name)) {
            continue;
        }
        if (strlen($value) >= 2 && ($value[0] === '"' || $value[0] === "'") && substr($value, -1) === $value[0]) {
            $value = substr($value, 1, -1);
        }
        if (getenv($name) === false) {
            putenv($name . '=' . $value);
            $_ENV[$name] = $value;
            $loaded[] = $name;
        }
    }
    return $loaded;
}

define('PUQ_STACK_ENV_FILE', getenv('PUQ_STACK_ENV') ?: PUQ_REPO_ROOT . '/build/stack.env');
puq_harness_load_env_file(PUQ_STACK_ENV_FILE);

/**
 * The WHMCS side of the tests: module log, localAPI, hooks, password encryption, database seeding and
 * the $params builder.
 */
final class WhmcsHarness
{
    /** A test cc_encryption_hash (64 characters of a-z, A-Z, 0-9 like configuration.php asks for). */
    const DEFAULT_CC_ENCRYPTION_HASH = 'PuqSynologyTestHarnessCcEncryptionHash0123456789abcdefABCDEF0001';

    /** @var array[] every logModuleCall: module, action, request, response, processed, replaceVars, raw */
    public static $moduleLog = array();
    /** @var array[] every localAPI call: command, values, adminUser, result */
    public static $localApiCalls = array();
    /** @var array[] every add_hook: hook, priority, callable */
    public static $hooks = array();
    /**
     * @var callable|null fn(string $command, array $values): ?array; a non-null result replaces the harness's
     * own answer (lets unit tests run CreateAccount without a database)
     */
    public static $localApiHandler = null;
    /** @var array[] every email localAPI('SendEmail') accepted: messagename, id, customvars (decoded), values */
    public static $sentEmails = array();
    /** @var string[] every logActivity message */
    public static $activityLog = array();
    /** @var int how many of the next SendEmail calls fail */
    private static $failSends = 0;
    /** @var string the message of those failures */
    private static $failSendMessage = 'Sending Failed';

    /** @var PDO|null */
    private static $pdo = null;

    /** Clears the module log, the localAPI, email, activity and hook records and the localAPI override. */
    public static function reset()
    {
        self::$moduleLog = array();
        self::$localApiCalls = array();
        self::$hooks = array();
        self::$localApiHandler = null;
        self::$sentEmails = array();
        self::$activityLog = array();
        self::$failSends = 0;
        self::$failSendMessage = 'Sending Failed';
        self::$afterSend = null;
    }

    /**
     * The next $count SendEmail calls fail with $message (WHMCS's "Sending Failed" covers an SMTP error, an
     * empty body, a hook abort), and nothing is recorded as sent.
     */
    public static function failNextSends($count, $message = 'Sending Failed')
    {
        self::$failSends = max(0, (int) $count);
        self::$failSendMessage = (string) $message;
    }

    public static function env($name, $default = null)
    {
        $value = getenv($name);
        return ($value === false || $value === '') ? $default : $value;
    }

    /**
     * @param string[] $names
     * @return string[] the names that are not set
     */
    public static function missingEnv(array $names)
    {
        $missing = array();
        foreach ($names as $name) {
            if (self::env($name) === null) {
                $missing[] = $name;
            }
        }
        return $missing;
    }

    // ---------------------------------------------------------------------------------------------------
    // WHMCS password encryption (docs: shared whmcs-module.md section 4)
    // ---------------------------------------------------------------------------------------------------

    public static function ccEncryptionHash()
    {
        return self::env('WHMCS_CC_ENCRYPTION_HASH', self::DEFAULT_CC_ENCRYPTION_HASH);
    }

    /** K = SHA1_raw(md5hex(md5hex(H)) . md5hex(H)), 20 bytes. */
    private static function cipherKey($hash)
    {
        return sha1(md5(md5($hash)) . md5($hash), true);
    }

    /**
     * WHMCS encrypt(): base64( (IV xor K) . body ), keystream starting at IV and renewed every 20 bytes as
     * SHA1_raw(previous key . previous 20 plaintext bytes).
     * @param string $plain
     * @param string|null $iv 20 bytes; random when null (tests pass one for a fixed vector)
     */
    public static function encrypt($plain, $iv = null, $hash = null)
    {
        $plain = (string) $plain;
        $k = self::cipherKey($hash === null ? self::ccEncryptionHash() : $hash);
        if ($iv === null) {
            $iv = random_bytes(20);
        }
        if (strlen($iv) !== 20) {
            throw new InvalidArgumentException('The IV must be 20 bytes');
        }
        $head = $iv ^ $k;
        $key = $iv;
        $body = '';
        $len = strlen($plain);
        for ($i = 0; $i < $len; $i++) {
            if ($i !== 0 && $i % 20 === 0) {
                $key = sha1($key . substr($plain, $i - 20, 20), true);
            }
            $body .= chr(ord($key[$i % 20]) ^ ord($plain[$i]));
        }
        return base64_encode($head . $body);
    }

    /** WHMCS decrypt(): the inverse of encrypt(). */
    public static function decrypt($cipher, $hash = null)
    {
        $data = base64_decode((string) $cipher, true);
        if ($data === false || strlen($data) < 20) {
            return '';
        }
        $k = self::cipherKey($hash === null ? self::ccEncryptionHash() : $hash);
        $key = substr($data, 0, 20) ^ $k;
        $body = substr($data, 20);
        $out = '';
        $len = strlen($body);
        for ($i = 0; $i < $len; $i++) {
            if ($i !== 0 && $i % 20 === 0) {
                $key = sha1($key . substr($out, $i - 20, 20), true);
            }
            $out .= chr(ord($key[$i % 20]) ^ ord($body[$i]));
        }
        return $out;
    }

    // ---------------------------------------------------------------------------------------------------
    // logModuleCall
    // ---------------------------------------------------------------------------------------------------

    /** How WHMCS turns a logged value into text. */
    public static function stringify($value)
    {
        if (is_array($value) || is_object($value)) {
            return print_r($value, true);
        }
        if (is_bool($value)) {
            return $value ? 'true' : 'false';
        }
        return (string) $value;
    }

    public static function logModuleCall($module, $action, $request, $response, $processed, $replaceVars)
    {
        $entry = array(
            'module' => $module,
            'action' => $action,
            'raw' => array('request' => $request, 'response' => $response, 'processed' => $processed),
            'replaceVars' => is_array($replaceVars) ? array_values($replaceVars) : array(),
        );
        foreach (array('request', 'response', 'processed') as $field) {
            $text = self::stringify($entry['raw'][$field]);
            foreach ($entry['replaceVars'] as $secret) {
                $secret = (string) $secret;
                if ($secret !== '') {
                    $text = str_replace($secret, str_repeat('*', strlen($secret)), $text);
                }
            }
            $entry[$field] = $text;
        }
        self::$moduleLog[] = $entry;
    }

    /** Entries of one action (or all). */
    public static function moduleLogEntries($action = null)
    {
        if ($action === null) {
            return self::$moduleLog;
        }
        return array_values(array_filter(self::$moduleLog, function ($e) use ($action) {
            return $e['action'] === $action;
        }));
    }

    /** Everything the module gave logModuleCall, before WHMCS's scrubbing (to prove the module masks itself). */
    public static function moduleLogRawText()
    {
        $text = '';
        foreach (self::$moduleLog as $e) {
            $text .= $e['module'] . ' ' . $e['action'] . "\n" . self::stringify($e['raw']['request']) . "\n"
                . self::stringify($e['raw']['response']) . "\n" . self::stringify($e['raw']['processed']) . "\n"
                . json_encode($e['raw']) . "\n";
        }
        return $text;
    }

    /** The module log as WHMCS would store it (after $replaceVars scrubbing). */
    public static function moduleLogText()
    {
        $text = '';
        foreach (self::$moduleLog as $e) {
            $text .= $e['module'] . ' ' . $e['action'] . "\n" . $e['request'] . "\n" . $e['response'] . "\n"
                . $e['processed'] . "\n";
        }
        return $text;
    }

    // ---------------------------------------------------------------------------------------------------
    // localAPI
    // ---------------------------------------------------------------------------------------------------

    public static function localApi($command, $values, $adminUser)
    {
        $values = is_array($values) ? $values : array();
        $result = null;
        if (self::$localApiHandler !== null) {
            $result = call_user_func(self::$localApiHandler, $command, $values);
        }
        if ($result === null) {
            try {
                $result = self::localApiDefault((string) $command, $values);
            } catch (Throwable $e) {
                $result = array('result' => 'error', 'message' => $e->getMessage());
            }
        }
        self::$localApiCalls[] = array('command' => $command, 'values' => $values, 'adminUser' => $adminUser,
            'result' => $result);
        return $result;
    }

    private static function localApiDefault($command, array $values)
    {
        switch ($command) {
            case 'EncryptPassword':
                return array('result' => 'success',
                    'password' => self::encrypt(isset($values['password2']) ? $values['password2'] : ''));
            case 'DecryptPassword':
                return array('result' => 'success',
                    'password' => self::decrypt(isset($values['password2']) ? $values['password2'] : ''));
            case 'UpdateClientProduct':
                return self::apiUpdateClientProduct($values);
            case 'GetClientsProducts':
                return self::apiGetClientsProducts($values);
            case 'SendEmail':
                return self::apiSendEmail($values);
            default:
                return array('result' => 'error', 'message' => 'Unknown command');
        }
    }

    /**
     * SendEmail (api-reference/sendemail.md): messagename + id (a product template takes tblhosting.id) and
     * customvars as base64(serialize(array)). Records the email instead of sending it.
     */
    private static function apiSendEmail(array $values)
    {
        $name = isset($values['messagename']) ? trim((string) $values['messagename']) : '';
        $custom = isset($values['customsubject']) || isset($values['custommessage']);
        if ($name === '' && !$custom) {
            return array('result' => 'error', 'message' => 'Email Template not found');
        }
        $id = isset($values['id']) ? (int) $values['id'] : 0;
        if ($id <= 0) {
            return array('result' => 'error', 'message' => 'Sending Failed');
        }
        $vars = array();
        if (isset($values['customvars'])) {
            $vars = is_array($values['customvars']) ? $values['customvars']
                : @unserialize(base64_decode((string) $values['customvars'], true), array('allowed_classes' => false));
            if (!is_array($vars)) {
                return array('result' => 'error', 'message' => 'customvars is not base64(serialize(array))');
            }
        }
        if (self::$failSends > 0) {
            self::$failSends--;
            return array('result' => 'error', 'message' => self::$failSendMessage);
        }
        if (self::$emailLog && !$custom) {
            // WHMCS renders the product template for the service and logs the email in tblemails (the
            // client's Email History, what GetEmails reads); the daemon reads that log (docs/usage.md).
            $logged = self::logProductEmail($name, $id, $vars);
            if ($logged !== null) {
                return array('result' => 'error', 'message' => $logged);
            }
        }
        self::$sentEmails[] = array('messagename' => $name, 'id' => $id, 'customvars' => $vars, 'values' => $values);
        if (self::$afterSend !== null) {
            call_user_func(self::$afterSend, count(self::$sentEmails));
        }
        return array('result' => 'success');
    }

    /**
     * @var bool SendEmail works like WHMCS's mailer against the database: the product template must exist
     * (else "Email Template not found"), is rendered with Smarty for the service, and the email is logged in
     * tblemails. The integration tests and scripts turn it on; unit tests (fake daemon, no rows) leave it off.
     */
    public static $emailLog = false;

    /** @var callable|null called with the number of emails sent so far, after each successful SendEmail */
    public static $afterSend = null;

    /** Renders product template $name for service $serviceId and inserts it into tblemails; null or an error. */
    private static function logProductEmail($name, $serviceId, array $vars)
    {
        $db = self::db();
        $st = $db->prepare("SELECT subject, message, disabled FROM tblemailtemplates WHERE name = ? AND type = 'product'"
            . " AND (language = '' OR language IS NULL) ORDER BY id LIMIT 1");
        $st->execute(array($name));
        $template = $st->fetch();
        if ($template === false) {
            return 'Email Template not found';
        }
        if ((int) $template['disabled'] === 1) {
            return 'Email Template is disabled';
        }
        $st = $db->prepare('SELECT h.userid, h.domain, c.firstname, c.lastname, c.email FROM tblhosting h'
            . ' JOIN tblclients c ON c.id = h.userid WHERE h.id = ?');
        $st->execute(array($serviceId));
        $service = $st->fetch();
        if ($service === false) {
            return 'Sending Failed';
        }
        $merge = array_merge(array(
            'client_name' => trim($service['firstname'] . ' ' . $service['lastname']),
            'client_first_name' => $service['firstname'], 'client_email' => $service['email'],
            'service_id' => $serviceId, 'service_domain' => $service['domain'],
        ), $vars);
        $subject = WhmcsPages::renderString($template['subject'], $merge);
        $message = WhmcsPages::renderString($template['message'], $merge);
        $db->prepare('INSERT INTO tblemails (userid, subject, message, date, `to`, pending, failed, created_at, updated_at)'
            . ' VALUES (?, ?, ?, NOW(), ?, 0, 0, NOW(), NOW())')
            ->execute(array((int) $service['userid'], $subject, $message, $service['email']));
        return null;
    }

    public static function logActivity($message)
    {
        self::$activityLog[] = (string) $message;
    }

    // ---------------------------------------------------------------------------------------------------
    // Templates and pages (support/WhmcsPages.php)
    // ---------------------------------------------------------------------------------------------------

    /**
     * Renders a module template (path relative to the module folder, e.g. templates/overview.tpl) with the
     * real Smarty 3, the way WHMCS does: WHMCS's own variables, then the module's.
     * @param array $vars templateVariables / vars of the module's answer
     * @param array $whmcsVars WHMCS variables to assign first (defaults: serviceid, username, LANG, WEB_ROOT)
     */
    public static function renderTemplate($template, array $vars, array $whmcsVars = array())
    {
        return WhmcsPages::render($template, $vars, $whmcsVars);
    }

    /**
     * A complete standalone HTML page: a minimal WHMCS client area around the rendered module output
     * (its <style>/<script> blocks included). $options: title, breadcrumb, check (add the page check script
     * of support/page-check.js), tab.
     */
    public static function clientPage($bodyHtml, array $options = array())
    {
        return WhmcsPages::clientPage($bodyHtml, $options);
    }

    /** A complete standalone WHMCS-admin-like services page with the AdminServicesTabFields rows. */
    public static function adminServicePage(array $fields, array $options = array())
    {
        return WhmcsPages::adminServicePage($fields, $options);
    }

    private static function apiUpdateClientProduct(array $values)
    {
        $id = isset($values['serviceid']) ? (int) $values['serviceid'] : 0;
        if ($id <= 0) {
            return array('result' => 'error', 'message' => 'Service ID is required');
        }
        if (!self::hasDb()) {
            return array('result' => 'error', 'message' => 'WHMCS test harness: no database configured'
                . ' (set WHMCS_DB_* or a localApiHandler)');
        }
        $pdo = self::db();
        $st = $pdo->prepare('SELECT id FROM tblhosting WHERE id = ?');
        $st->execute(array($id));
        if ($st->fetchColumn() === false) {
            return array('result' => 'error', 'message' => 'Service ID Not Found');
        }
        $set = array();
        $map = array(
            'serviceusername' => 'username', 'domain' => 'domain', 'status' => 'domainstatus',
            'diskusage' => 'diskusage', 'disklimit' => 'disklimit', 'bwusage' => 'bwusage', 'bwlimit' => 'bwlimit',
            'notes' => 'notes', 'suspendreason' => 'suspendreason', 'dedicatedip' => 'dedicatedip',
        );
        foreach ($map as $param => $column) {
            if (array_key_exists($param, $values)) {
                $set[$column] = (string) $values[$param];
            }
        }
        if (array_key_exists('servicepassword', $values)) {
            $set['password'] = self::encrypt((string) $values['servicepassword']);
        }
        if (!empty($set)) {
            $cols = array();
            foreach (array_keys($set) as $column) {
                $cols[] = '`' . $column . '` = ?';
            }
            $args = array_values($set);
            $args[] = $id;
            $pdo->prepare('UPDATE tblhosting SET ' . implode(', ', $cols) . ', updated_at = NOW() WHERE id = ?')
                ->execute($args);
        }
        return array('result' => 'success', 'serviceid' => $id);
    }

    private static function apiGetClientsProducts(array $values)
    {
        if (!self::hasDb()) {
            return array('result' => 'error', 'message' => 'WHMCS test harness: no database configured');
        }
        $where = array('1 = 1');
        $args = array();
        $filters = array('clientid' => 'h.userid', 'serviceid' => 'h.id', 'pid' => 'h.packageid',
            'domain' => 'h.domain', 'username2' => 'h.username');
        foreach ($filters as $param => $column) {
            if (isset($values[$param]) && $values[$param] !== '') {
                $where[] = $column . ' = ?';
                $args[] = $values[$param];
            }
        }
        $st = self::db()->prepare('SELECT h.*, p.name AS productname, s.name AS servername, s.hostname AS serverhostname,'
            . ' s.ipaddress AS serverip FROM tblhosting h JOIN tblproducts p ON p.id = h.packageid'
            . ' LEFT JOIN tblservers s ON s.id = h.server WHERE ' . implode(' AND ', $where) . ' ORDER BY h.id');
        $st->execute($args);
        $products = array();
        foreach ($st->fetchAll(PDO::FETCH_ASSOC) as $row) {
            $products[] = array(
                'id' => (int) $row['id'], 'clientid' => (int) $row['userid'], 'orderid' => (int) $row['orderid'],
                'pid' => (int) $row['packageid'], 'regdate' => $row['regdate'], 'name' => $row['productname'],
                'domain' => $row['domain'], 'serverid' => (int) $row['server'], 'servername' => (string) $row['servername'],
                'serverip' => (string) $row['serverip'], 'serverhostname' => (string) $row['serverhostname'],
                'status' => $row['domainstatus'], 'username' => $row['username'],
                'password' => self::decrypt($row['password']), 'diskusage' => (int) $row['diskusage'],
                'disklimit' => (int) $row['disklimit'], 'bwusage' => (int) $row['bwusage'],
                'bwlimit' => (int) $row['bwlimit'], 'lastupdate' => $row['lastupdate'],
            );
        }
        return array('result' => 'success', 'clientid' => isset($values['clientid']) ? $values['clientid'] : '',
            'serviceid' => isset($values['serviceid']) ? $values['serviceid'] : '', 'startnumber' => 0,
            'numreturned' => count($products), 'totalresults' => count($products),
            'products' => array('product' => $products));
    }

    // ---------------------------------------------------------------------------------------------------
    // Database
    // ---------------------------------------------------------------------------------------------------

    public static function hasDb()
    {
        return self::$pdo !== null || self::env('WHMCS_DB_NAME') !== null;
    }

    /** @return PDO connected to the WHMCS test database (WHMCS_DB_*), non-strict SQL mode like WHMCS. */
    public static function db()
    {
        if (self::$pdo !== null) {
            return self::$pdo;
        }
        if (!extension_loaded('pdo_mysql')) {
            throw new RuntimeException('The PHP extension pdo_mysql is missing: install php-mysql'
                . ' (apt-get install php-mysql) to run tests that use the WHMCS database.');
        }
        $name = self::env('WHMCS_DB_NAME');
        if ($name === null) {
            throw new RuntimeException('No WHMCS test database: set WHMCS_DB_NAME, WHMCS_DB_USER, WHMCS_DB_PASS and'
                . ' WHMCS_DB_SOCKET or WHMCS_DB_HOST/WHMCS_DB_PORT (make stack writes them to ' . PUQ_STACK_ENV_FILE . ').');
        }
        $socket = self::env('WHMCS_DB_SOCKET');
        $dsn = $socket !== null
            ? 'mysql:unix_socket=' . $socket . ';dbname=' . $name . ';charset=utf8mb4'
            : 'mysql:host=' . self::env('WHMCS_DB_HOST', '127.0.0.1') . ';port=' . self::env('WHMCS_DB_PORT', '3306')
                . ';dbname=' . $name . ';charset=utf8mb4';
        $pdo = new PDO($dsn, self::env('WHMCS_DB_USER', 'root'), self::env('WHMCS_DB_PASS', ''), array(
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
            PDO::ATTR_TIMEOUT => 5,
        ));
        $pdo->exec("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'");
        self::$pdo = $pdo;
        self::ensureSchema();
        return $pdo;
    }

    /** Creates the WHMCS tables from tests/fixtures/whmcs/schema.sql when tblhosting does not exist. */
    public static function ensureSchema()
    {
        $pdo = self::$pdo;
        if ($pdo->query("SHOW TABLES LIKE 'tblhosting'")->fetchColumn() !== false) {
            return;
        }
        $sql = file_get_contents(PUQ_REPO_ROOT . '/tests/fixtures/whmcs/schema.sql');
        $sql = preg_replace('/^--.*$/m', '', $sql);
        foreach (array_filter(array_map('trim', explode(';', $sql))) as $statement) {
            $pdo->exec($statement);
        }
        $pdo->exec("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'");
    }

    /** INSERT with a prepared statement; returns the new id. */
    public static function insert($table, array $row)
    {
        $cols = array();
        foreach (array_keys($row) as $column) {
            $cols[] = '`' . $column . '`';
        }
        $sql = 'INSERT INTO `' . $table . '` (' . implode(', ', $cols) . ') VALUES ('
            . implode(', ', array_fill(0, count($row), '?')) . ')';
        self::db()->prepare($sql)->execute(array_values($row));
        return (int) self::db()->lastInsertId();
    }

    public static function update($table, $id, array $row)
    {
        $cols = array();
        foreach (array_keys($row) as $column) {
            $cols[] = '`' . $column . '` = ?';
        }
        $args = array_values($row);
        $args[] = $id;
        self::db()->prepare('UPDATE `' . $table . '` SET ' . implode(', ', $cols) . ' WHERE id = ?')->execute($args);
    }

    public static function row($table, $id)
    {
        $st = self::db()->prepare('SELECT * FROM `' . $table . '` WHERE id = ?');
        $st->execute(array($id));
        $row = $st->fetch(PDO::FETCH_ASSOC);
        return $row === false ? null : $row;
    }

    // ---------------------------------------------------------------------------------------------------
    // Seeding
    // ---------------------------------------------------------------------------------------------------

    public static function seedClient(array $overrides = array())
    {
        $unique = bin2hex(random_bytes(4));
        return self::insert('tblclients', array_merge(array(
            'uuid' => sprintf('%08x-0000-4000-8000-%012x', mt_rand(), mt_rand()),
            'firstname' => 'Test', 'lastname' => 'Client ' . $unique, 'companyname' => 'Harness Ltd',
            'email' => 'client-' . $unique . '@example.test', 'address1' => '1 Test Street', 'address2' => '',
            'city' => 'Testville', 'state' => 'Test State', 'postcode' => '00-001', 'country' => 'PL',
            'phonenumber' => '+48.123456789', 'password' => '', 'currency' => 1, 'datecreated' => date('Y-m-d'),
            'status' => 'Active', 'language' => '',
        ), $overrides));
    }

    public static function seedServerGroup($name = null)
    {
        return self::insert('tblservergroups', array(
            'name' => $name === null ? 'puqSynology group ' . bin2hex(random_bytes(3)) : $name,
            'filltype' => 1,
        ));
    }

    /**
     * @param array $server host, ip, port, secure (bool), username, password (plain; stored encrypted),
     *                      accesshash, name; any other tblservers column as is
     * @param int|null $serverGroupId adds the server to this group
     */
    public static function seedServer(array $server, $serverGroupId = null)
    {
        $row = array(
            'name' => isset($server['name']) ? $server['name'] : 'NAS ' . bin2hex(random_bytes(3)),
            'ipaddress' => isset($server['ip']) ? $server['ip'] : '',
            'assignedips' => '',
            'hostname' => isset($server['host']) ? $server['host'] : '',
            'maxaccounts' => 0,
            'type' => 'puqSynology',
            'username' => isset($server['username']) ? $server['username'] : '',
            'password' => self::encrypt(isset($server['password']) ? $server['password'] : ''),
            'accesshash' => isset($server['accesshash']) ? $server['accesshash'] : '',
            'secure' => !empty($server['secure']) ? 'on' : '',
            'port' => isset($server['port']) && $server['port'] !== '' ? (int) $server['port'] : null,
            'active' => 1,
            'disabled' => 0,
        );
        foreach ($server as $key => $value) {
            if (!in_array($key, array('host', 'ip', 'password', 'secure', 'port', 'name', 'username', 'accesshash'), true)) {
                $row[$key] = $value;
            }
        }
        $id = self::insert('tblservers', $row);
        if ($serverGroupId !== null) {
            self::insert('tblservergroupsrel', array('groupid' => (int) $serverGroupId, 'serverid' => $id));
        }
        return $id;
    }

    /** Changes a server's password (stored encrypted, like WHMCS). */
    /** A tblservers row in a new server group for the running stack's simulator (DSM_* of build/stack.env). */
    public static function seedStackServer()
    {
        $groupId = self::seedServerGroup();
        $serverId = self::seedServer(array(
            'host' => self::env('DSM_HOST'), 'port' => self::env('DSM_PORT'),
            'secure' => self::env('DSM_SECURE', '1') === '1', 'username' => self::env('DSM_ADMIN_USER'),
            'password' => self::env('DSM_ADMIN_PASS'),
        ), $groupId);
        return array($groupId, $serverId);
    }

    public static function setServerPassword($serverId, $password)
    {
        self::update('tblservers', $serverId, array('password' => self::encrypt($password)));
    }

    /** The product settings ConfigOptions declares, as configoption1..10 defaults. */
    public static function defaultConfigOptions($group = '')
    {
        return array(
            1 => '0', 2 => 'GB', 3 => $group, 4 => '90', 5 => 'None', 6 => '30', 7 => '', 8 => 'button',
            9 => '{client_id}-{service_id}-{random_digit_4}', 10 => '12',
        );
    }

    /**
     * @param array $configOptions N => value (1-based), merged over defaultConfigOptions()
     */
    public static function seedProduct(array $configOptions, $serverGroupId, array $overrides = array())
    {
        $options = array_replace(self::defaultConfigOptions(), $configOptions);
        $row = array(
            'type' => 'other', 'gid' => 1, 'name' => 'Synology storage ' . bin2hex(random_bytes(3)),
            'description' => '', 'hidden' => 0, 'showdomainoptions' => 0, 'paytype' => 'recurring',
            'autosetup' => 'payment', 'servertype' => 'puqSynology', 'servergroup' => (int) $serverGroupId,
            'created_at' => date('Y-m-d H:i:s'), 'updated_at' => date('Y-m-d H:i:s'),
        );
        for ($i = 1; $i <= 24; $i++) {
            $row['configoption' . $i] = isset($options[$i]) ? (string) $options[$i] : '';
        }
        return self::insert('tblproducts', array_merge($row, $overrides));
    }

    public static function seedService($clientId, $productId, $serverId, array $overrides = array())
    {
        $row = array(
            'userid' => (int) $clientId, 'orderid' => 0, 'packageid' => (int) $productId, 'server' => (int) $serverId,
            'regdate' => date('Y-m-d'), 'domain' => '', 'paymentmethod' => 'banktransfer', 'billingcycle' => 'Monthly',
            'nextduedate' => date('Y-m-d', strtotime('+1 month')), 'nextinvoicedate' => date('Y-m-d', strtotime('+1 month')),
            'domainstatus' => 'Pending', 'username' => '', 'password' => self::encrypt(''), 'notes' => '',
            'subscriptionid' => '', 'promoid' => 0, 'suspendreason' => '', 'overideautosuspend' => 0,
            'overidesuspenduntil' => '0000-00-00', 'dedicatedip' => '', 'assignedips' => '', 'ns1' => '', 'ns2' => '',
            'created_at' => date('Y-m-d H:i:s'), 'updated_at' => date('Y-m-d H:i:s'),
        );
        if (isset($overrides['password'])) {
            $overrides['password'] = self::encrypt($overrides['password']);
        }
        return self::insert('tblhosting', array_merge($row, $overrides));
    }

    // ---------------------------------------------------------------------------------------------------
    // $params, as WHMCS builds them (shared whmcs-module.md section 2)
    // ---------------------------------------------------------------------------------------------------

    public static function paramsForService($serviceId)
    {
        $st = self::db()->prepare('SELECT h.*, p.type AS p_type, p.servertype AS p_servertype, p.name AS p_name'
            . ', ' . implode(', ', array_map(function ($i) {
                return 'p.configoption' . $i;
            }, range(1, 24)))
            . ' FROM tblhosting h JOIN tblproducts p ON p.id = h.packageid WHERE h.id = ?');
        $st->execute(array((int) $serviceId));
        $h = $st->fetch(PDO::FETCH_ASSOC);
        if ($h === false) {
            throw new RuntimeException('No tblhosting row with id ' . $serviceId);
        }
        $client = self::row('tblclients', (int) $h['userid']);
        // Only the documented keys (status, accountid, packageid, type are undocumented: not provided, so
        // that the module cannot come to depend on them). The ORM 'model' object is not provided either.
        $params = array(
            'serviceid' => (int) $h['id'],
            'userid' => (int) $h['userid'],
            'domain' => (string) $h['domain'],
            'username' => (string) $h['username'],
            'password' => self::decrypt($h['password']),
            'pid' => (int) $h['packageid'],
            'serverid' => (int) $h['server'],
            'producttype' => (string) $h['p_type'],
            'moduletype' => (string) $h['p_servertype'],
        );
        for ($i = 1; $i <= 24; $i++) {
            $params['configoption' . $i] = (string) $h['configoption' . $i];
        }
        $params['customfields'] = array();
        $params['configoptions'] = array();
        $params['clientsdetails'] = self::clientDetails($client);
        $params = array_merge($params, self::serverParams((int) $h['server']));
        return $params;
    }

    /** The subset UsageUpdate and TestConnection receive: the server variables only. */
    public static function paramsForServer($serverId)
    {
        $all = self::serverParams((int) $serverId);
        unset($all['server']);
        return $all;
    }

    private static function serverParams($serverId)
    {
        $s = $serverId > 0 ? self::row('tblservers', $serverId) : null;
        if ($s === null) {
            return array('server' => false, 'serverid' => 0, 'serverip' => '', 'serverhostname' => '',
                'serverusername' => '', 'serverpassword' => '', 'serveraccesshash' => '', 'serversecure' => false,
                'serverport' => '', 'serverhttpprefix' => 'http');
        }
        $secure = $s['secure'] === 'on';
        return array(
            'server' => true,
            'serverid' => (int) $s['id'],
            'serverip' => (string) $s['ipaddress'],
            'serverhostname' => (string) $s['hostname'],
            'serverusername' => (string) $s['username'],
            'serverpassword' => self::decrypt($s['password']),
            'serveraccesshash' => (string) $s['accesshash'],
            'serversecure' => $secure,
            'serverport' => $s['port'] === null ? '' : (string) $s['port'],
            'serverhttpprefix' => $secure ? 'https' : 'http',
        );
    }

    private static function clientDetails($c)
    {
        if ($c === null) {
            return array();
        }
        return array(
            'userid' => (int) $c['id'], 'id' => (int) $c['id'], 'uuid' => $c['uuid'],
            'firstname' => $c['firstname'], 'lastname' => $c['lastname'],
            'fullname' => trim($c['firstname'] . ' ' . $c['lastname']), 'companyname' => $c['companyname'],
            'email' => $c['email'], 'address1' => $c['address1'], 'address2' => $c['address2'], 'city' => $c['city'],
            'state' => $c['state'], 'fullstate' => $c['state'], 'postcode' => $c['postcode'],
            'countrycode' => $c['country'], 'country' => $c['country'], 'phonenumber' => $c['phonenumber'],
            'status' => $c['status'], 'language' => $c['language'], 'currency' => (int) $c['currency'],
        );
    }

    // ---------------------------------------------------------------------------------------------------
    // Module loading
    // ---------------------------------------------------------------------------------------------------

    /** Loads hooks.php as WHMCS does on every page (records add_hook calls). */
    public static function loadHooks()
    {
        include PUQ_MODULE_DIR . '/hooks.php';
        return self::$hooks;
    }
}

// ------------------------------------------------------------------------------------------------------
// The WHMCS global functions the module uses.
// ------------------------------------------------------------------------------------------------------

function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = array())
{
    WhmcsHarness::logModuleCall($module, $action, $requestString, $responseData, $processedData, $replaceVars);
}

function localAPI($command, $values = array(), $adminUser = '')
{
    return WhmcsHarness::localApi($command, $values, $adminUser);
}

function add_hook($hookPoint, $priority, $callable)
{
    WhmcsHarness::$hooks[] = array('hook' => $hookPoint, 'priority' => $priority, 'callable' => $callable);
}

function logActivity($message, $userId = 0)
{
    WhmcsHarness::logActivity($message);
}

function encrypt($string)
{
    return WhmcsHarness::encrypt($string);
}

function decrypt($string)
{
    return WhmcsHarness::decrypt($string);
}

require_once __DIR__ . '/support/FakeDaemon.php';
require_once __DIR__ . '/support/SimControl.php';
require_once __DIR__ . '/support/WhmcsPages.php';
require_once __DIR__ . '/support/UsageFixtures.php';
require_once __DIR__ . '/support/ScreenshotPages.php';
// The test base classes need PHPUnit; without it (a demo script driving the module through this harness)
// only the WHMCS side is loaded.
if (class_exists('PHPUnit\\Framework\\TestCase')) {
    require_once __DIR__ . '/support/ModuleTestCase.php';
    require_once __DIR__ . '/support/IntegrationTestCase.php';
}
require_once PUQ_MODULE_DIR . '/puqSynology.php';
