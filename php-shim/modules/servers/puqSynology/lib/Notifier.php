<?php
/**
 * Delivers the daemon's queued low-space emails through WHMCS (the AfterCronJob hook in hooks.php):
 *   POST /v1/notifications/pending {limit}  -> due notifications, leased to this run for 5 minutes
 *   localAPI('SendEmail', {messagename, id, customvars})  for each
 *   POST /v1/notifications/ack {id, result: sent|failed, error?}
 * The daemon decides what is due, retries failed sends with backoff and never drops one; this class only
 * sends and reports. It never throws: the WHMCS cron must go on when the daemon is down.
 */
namespace WHMCS\Module\Server\PuqSynology;

if (!defined("WHMCS")) {
    die("This file cannot be accessed directly");
}

class Notifier
{
    /** Notifications asked for per cron run. */
    const LIMIT = 50;
    /** Seconds after which a run stops starting new sends (the rest stay leased, then become due again). */
    const TIME_BUDGET = 60;
    /** Seconds to wait for each daemon answer (these routes only touch the database). */
    const DAEMON_TIMEOUT = 15;
    /** Attempts to acknowledge one send before the run gives up (the daemon is then unhealthy). */
    const ACK_ATTEMPTS = 3;
    /** Seconds between two activity-log entries about the same failure to reach the daemon. */
    const ERROR_LOG_INTERVAL = 3600;

    /**
     * One delivery run. Never throws.
     * @param array $options limit, time_budget (seconds), ack_pause_ms (between ack attempts),
     *   state_dir (where the "daemon error already reported" stamp lives; default the system temp dir)
     * @return array pending, sent, failed, unacknowledged, deferred (counts) and error ('' or a message)
     */
    public static function deliver(array $options = array())
    {
        $o = array_merge(array('limit' => self::LIMIT, 'time_budget' => self::TIME_BUDGET, 'ack_pause_ms' => 500,
            'state_dir' => sys_get_temp_dir()), $options);
        $summary = array('pending' => 0, 'sent' => 0, 'failed' => 0, 'unacknowledged' => 0, 'deferred' => 0,
            'error' => '');
        $replace = array();
        try {
            $config = Config::load();
            $client = new DaemonClient($config['daemon_url'], $config['secret_file'],
                min((int) $config['timeout'], self::DAEMON_TIMEOUT), $config['connect_timeout']);
            $replace = Redactor::secretList(array($client->secretOrNull()));
            $started = microtime(true);
            $request = array('limit' => max(1, (int) $o['limit']));
            $answer = $client->post('/v1/notifications/pending', $request);
            $list = isset($answer['notifications']) && is_array($answer['notifications'])
                ? array_values($answer['notifications']) : array();
            $summary['pending'] = count($list);
            if (!empty($list)) {
                Module::log('Notifications: pending',
                    array('method' => 'POST', 'url' => $client->baseUrl() . '/v1/notifications/pending', 'body' => $request),
                    $answer, count($list) . ' notification(s) to send', $replace);
            }
            foreach ($list as $i => $notification) {
                if ($i > 0 && microtime(true) - $started >= (float) $o['time_budget']) {
                    $summary['deferred'] = count($list) - $i;
                    break;
                }
                $outcome = self::sendOne($client, is_array($notification) ? $notification : array(), $replace,
                    (int) $o['ack_pause_ms']);
                $summary[$outcome['sent'] ? 'sent' : 'failed']++;
                if (!$outcome['acknowledged']) {
                    // The daemon stopped answering: stop here, so at most this one send is in doubt. When
                    // the lease expires the daemon finds the email in WHMCS's email log (tblemails) and marks
                    // it sent; only one that never went out is offered again (docs/usage.md, "Delivery").
                    $summary['unacknowledged']++;
                    $summary['deferred'] = count($list) - $i - 1;
                    $summary['error'] = $outcome['ack_error'];
                    break;
                }
            }
        } catch (\Throwable $e) {
            $summary['error'] = Redactor::scrub(trim($e->getMessage()) !== '' ? trim($e->getMessage())
                : get_class($e), $replace);
            Module::log('Notifications', array('route' => '/v1/notifications/pending'),
                array('error' => array('code' => $e instanceof DaemonException ? $e->getErrorCode() : get_class($e),
                    'message' => $summary['error'])), 'Error: ' . $summary['error'], $replace);
        }
        self::report($summary, (string) $o['state_dir']);
        return $summary;
    }

    /**
     * Sends one notification and acknowledges it.
     * @return array sent (bool), acknowledged (bool), ack_error (string)
     */
    private static function sendOne(DaemonClient $client, array $notification, array $replace, $pauseMs)
    {
        $id = isset($notification['id']) && is_scalar($notification['id']) ? $notification['id'] : null;
        $serviceId = isset($notification['service_id']) ? (int) $notification['service_id'] : 0;
        $template = isset($notification['template']) && is_string($notification['template'])
            ? trim($notification['template']) : '';
        $vars = isset($notification['customvars']) && is_array($notification['customvars'])
            ? $notification['customvars'] : array();
        if ($id === null) {
            Module::log('Notifications: SendEmail', $notification, array(), 'Skipped: the daemon sent a notification'
                . ' without an id', $replace);
            return array('sent' => false, 'acknowledged' => true, 'ack_error' => '');
        }

        $request = array('messagename' => $template, 'id' => $serviceId, 'customvars' => $vars);
        if ($serviceId <= 0 || $template === '') {
            $result = array('result' => 'error', 'message' => 'The daemon sent a notification without a service id'
                . ' or an email template name.');
        } elseif (!function_exists('localAPI')) {
            $result = array('result' => 'error', 'message' => 'localAPI is not available (not running inside WHMCS).');
        } else {
            try {
                $result = localAPI('SendEmail', array('messagename' => $template, 'id' => $serviceId,
                    'customvars' => base64_encode(serialize($vars))));
            } catch (\Throwable $e) {
                $result = array('result' => 'error', 'message' => get_class($e) . ': ' . $e->getMessage());
            }
        }
        $sent = is_array($result) && isset($result['result']) && $result['result'] === 'success';
        $error = '';
        if (!$sent) {
            $error = is_array($result) && isset($result['message']) && is_scalar($result['message'])
                && trim((string) $result['message']) !== '' ? trim((string) $result['message']) : 'SendEmail gave no answer';
            $error = substr(Redactor::scrub($error, $replace), 0, 500);
        }
        Module::log('Notifications: SendEmail', array('notification_id' => $id) + $request, $result,
            $sent ? 'sent' : 'Error: ' . $error, $replace);

        $ack = array('id' => $id, 'result' => $sent ? 'sent' : 'failed');
        if (!$sent) {
            $ack['error'] = $error;
        }
        $lastError = '';
        for ($attempt = 1; $attempt <= self::ACK_ATTEMPTS; $attempt++) {
            try {
                $answer = $client->post('/v1/notifications/ack', $ack);
                Module::log('Notifications: ack',
                    array('method' => 'POST', 'url' => $client->baseUrl() . '/v1/notifications/ack', 'body' => $ack),
                    $answer, $answer, $replace);
                return array('sent' => $sent, 'acknowledged' => true, 'ack_error' => '');
            } catch (\Throwable $e) {
                $lastError = Redactor::scrub($e->getMessage(), $replace);
                Module::log('Notifications: ack',
                    array('method' => 'POST', 'url' => $client->baseUrl() . '/v1/notifications/ack', 'body' => $ack,
                        'attempt' => $attempt), array('error' => $lastError), 'Error: ' . $lastError, $replace);
                $status = $e instanceof DaemonException ? $e->getHttpStatus() : 0;
                if ($status >= 400 && $status < 500) {
                    // The daemon refused this acknowledgement (the lease expired, an unknown id): it decides
                    // what happens to the notification; retrying the same request cannot help.
                    return array('sent' => $sent, 'acknowledged' => true, 'ack_error' => '');
                }
                if ($attempt < self::ACK_ATTEMPTS && $pauseMs > 0) {
                    usleep($pauseMs * 1000);
                }
            }
        }
        return array('sent' => $sent, 'acknowledged' => false,
            'ack_error' => 'Could not acknowledge notification ' . $id . ' to the daemon: ' . $lastError);
    }

    /**
     * The WHMCS activity log: one line per run that sent or failed something; a failure to reach the daemon
     * at most once an hour (the cron runs every few minutes).
     */
    private static function report(array $summary, $stateDir)
    {
        $stamp = rtrim($stateDir, '/') . '/puqSynology-notifications-' . substr(md5(__DIR__), 0, 12) . '.error';
        if ($summary['sent'] > 0 || $summary['failed'] > 0) {
            $line = 'puqSynology: disk usage emails: ' . $summary['sent'] . ' sent, ' . $summary['failed']
                . ' failed (the daemon retries failed ones later)';
            if ($summary['deferred'] > 0) {
                $line .= ', ' . $summary['deferred'] . ' left for the next cron run';
            }
            self::activity($line . '.');
        }
        if ($summary['error'] === '') {
            if (is_file($stamp)) {
                @unlink($stamp);
            }
            return;
        }
        $last = is_file($stamp) ? (int) @filemtime($stamp) : 0;
        if ($last > 0 && time() - $last < self::ERROR_LOG_INTERVAL) {
            return;
        }
        @touch($stamp);
        self::activity('puqSynology: disk usage emails could not be delivered: ' . $summary['error']);
    }

    private static function activity($message)
    {
        if (!function_exists('logActivity')) {
            return;
        }
        try {
            logActivity($message);
        } catch (\Throwable $e) {
            // the activity log must never break the cron
        }
    }
}
