<?php
/**
 * The DSM simulator's control API (DSM_SIM_CONTROL_URL, src/sim/control.cpp): POST /control/groups,
 * POST /control/usage, GET /control/state, POST /control/reset. Used by the integration tests only.
 */
final class SimControl
{
    /** @var string */
    private $url;

    /** @param string $url the control API, e.g. http://127.0.0.1:5000/control (the /control suffix may be left out) */
    public function __construct($url)
    {
        $url = rtrim($url, '/');
        if (substr($url, -8) !== '/control') {
            $url .= '/control';
        }
        $this->url = $url;
    }

    public function reset()
    {
        return $this->request('POST', '/reset', array());
    }

    /** @param array[] $groups [{name, description}] */
    public function setGroups(array $groups)
    {
        return $this->request('POST', '/groups', array('groups' => $groups));
    }

    /**
     * Sets the disk usage the simulator reports for existing users (POST /control/usage).
     * @param array[] $users [{name, used_mb, quota_mb?}]
     */
    public function setUsage(array $users)
    {
        return $this->request('POST', '/usage', array('users' => $users));
    }

    public function state()
    {
        return $this->request('GET', '/state', null);
    }

    /** The user record of $name in a state (accepts a list of objects or a map by name), or null. */
    public static function findUser(array $state, $name)
    {
        $users = isset($state['users']) && is_array($state['users']) ? $state['users'] : array();
        foreach ($users as $key => $user) {
            $userName = is_array($user) ? (isset($user['name']) ? $user['name'] : (isset($user['username']) ? $user['username'] : $key)) : $user;
            if (is_string($userName) && strcasecmp($userName, $name) === 0) {
                return is_array($user) ? $user : array('name' => $userName);
            }
        }
        return null;
    }

    /**
     * Group names $user belongs to, whichever shape the state uses: members as a map group => [users],
     * a list of {group, user}, groups[].members, or users[].groups.
     * @return string[]
     */
    public static function groupsOf(array $state, $user)
    {
        $found = array();
        $members = isset($state['members']) && is_array($state['members']) ? $state['members'] : array();
        foreach ($members as $key => $value) {
            if (is_string($key) && is_array($value)) {
                foreach ($value as $member) {
                    $m = is_array($member) ? (isset($member['name']) ? $member['name'] : (isset($member['user']) ? $member['user'] : '')) : $member;
                    if (is_string($m) && strcasecmp($m, $user) === 0) {
                        $found[] = $key;
                    }
                }
            } elseif (is_array($value) && isset($value['group'], $value['user']) && strcasecmp($value['user'], $user) === 0) {
                $found[] = $value['group'];
            }
        }
        $groups = isset($state['groups']) && is_array($state['groups']) ? $state['groups'] : array();
        foreach ($groups as $key => $group) {
            if (is_array($group) && isset($group['members']) && is_array($group['members'])) {
                $groupName = isset($group['name']) ? $group['name'] : $key;
                foreach ($group['members'] as $member) {
                    $m = is_array($member) ? (isset($member['name']) ? $member['name'] : '') : $member;
                    if (is_string($m) && strcasecmp($m, $user) === 0) {
                        $found[] = $groupName;
                    }
                }
            }
        }
        $record = self::findUser($state, $user);
        if ($record !== null && isset($record['groups']) && is_array($record['groups'])) {
            foreach ($record['groups'] as $g) {
                $found[] = is_array($g) && isset($g['name']) ? $g['name'] : $g;
            }
        }
        return array_values(array_unique(array_filter($found, 'is_string')));
    }

    private function request($method, $path, $body)
    {
        $curl = curl_init($this->url . $path);
        $options = array(
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 20,
            CURLOPT_CONNECTTIMEOUT => 5,
            CURLOPT_PROXY => '',
            CURLOPT_SSL_VERIFYPEER => false,
            CURLOPT_SSL_VERIFYHOST => 0,
            CURLOPT_HTTPHEADER => array('Content-Type: application/json', 'Expect:'),
        );
        if ($method === 'POST') {
            $options[CURLOPT_POST] = true;
            $options[CURLOPT_POSTFIELDS] = json_encode($body === array() ? new stdClass() : $body);
        }
        curl_setopt_array($curl, $options);
        $answer = curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_HTTP_CODE);
        $error = curl_error($curl);
        curl_close($curl);
        if ($answer === false) {
            throw new RuntimeException("DSM simulator control API $method $path failed: $error ({$this->url})");
        }
        if ($status < 200 || $status >= 300) {
            throw new RuntimeException("DSM simulator control API $method $path answered HTTP $status: " . substr($answer, 0, 300));
        }
        $decoded = json_decode($answer, true);
        return is_array($decoded) ? $decoded : array();
    }
}
