<?php
/**
 * The WHMCS module contract (shared whmcs-module.md sections 1 and 7): every function survives an empty
 * $params with the right return type, makes no network call and throws nothing; MetaData and
 * ConfigOptions say exactly what the product needs.
 */
class ModuleContractTest extends ModuleTestCase
{
    public static function setUpBeforeClass(): void
    {
        self::startFakeDaemon();
    }

    public function testRequiredConfigOptionsFunctionExists()
    {
        $this->assertTrue(function_exists('puqSynology_ConfigOptions'));
    }

    /** The sample module's table, plus our own functions. */
    public function providerFunctionReturnTypes()
    {
        return array(
            'ConfigOptions' => array('ConfigOptions', 'array'),
            'MetaData' => array('MetaData', 'array'),
            'CreateAccount' => array('CreateAccount', 'string'),
            'SuspendAccount' => array('SuspendAccount', 'string'),
            'UnsuspendAccount' => array('UnsuspendAccount', 'string'),
            'TerminateAccount' => array('TerminateAccount', 'string'),
            'ChangePassword' => array('ChangePassword', 'string'),
            'ChangePackage' => array('ChangePackage', 'string'),
            'TestConnection' => array('TestConnection', 'array'),
            'AdminCustomButtonArray' => array('AdminCustomButtonArray', 'array'),
            'ClientAreaCustomButtonArray' => array('ClientAreaCustomButtonArray', 'array'),
            'AdminServicesTabFields' => array('AdminServicesTabFields', 'array'),
            'AdminServicesTabFieldsSave' => array('AdminServicesTabFieldsSave', 'null'),
            'ServiceSingleSignOn' => array('ServiceSingleSignOn', 'array'),
            'AdminSingleSignOn' => array('AdminSingleSignOn', 'array'),
            'ClientArea' => array('ClientArea', 'array'),
            'UsageUpdate' => array('UsageUpdate', 'string'),
            'SyncUsage' => array('SyncUsage', 'string'),
            'LoaderEmailTemplates' => array('LoaderEmailTemplates', 'array'),
            'ClientAreaAllowedFunctions' => array('ClientAreaAllowedFunctions', 'array'),
            'UsageStatistics' => array('UsageStatistics', 'array'),
            'InstallEmailTemplate' => array('InstallEmailTemplate', 'string'),
            'ListAccounts' => array('ListAccounts', 'array'),
        );
    }

    /**
     * @dataProvider providerFunctionReturnTypes
     */
    public function testFunctionsReturnAppropriateDataTypeWithEmptyParams($function, $returnType)
    {
        $name = 'puqSynology_' . $function;
        if (!function_exists($name)) {
            $this->addToAssertionCount(1);
            return;
        }
        $result = call_user_func($name, array());
        switch ($returnType) {
            case 'array':
                $this->assertIsArray($result);
                break;
            case 'null':
                $this->assertNull($result);
                break;
            default:
                $this->assertIsString($result);
                $this->assertNotSame('', $result);
        }
        $this->assertSame(array(), self::$daemon->requests(), "$function called the daemon with empty \$params");
    }

    public function testEmptyParamsErrorsAreReadable()
    {
        $this->assertSame('WHMCS passed no service id to the puqSynology module.', puqSynology_CreateAccount(array()));
        $test = puqSynology_TestConnection(array());
        $this->assertFalse($test['success']);
        $this->assertStringContainsString('No server is assigned', $test['error']);
        $tab = puqSynology_AdminServicesTabFields(array());
        $this->assertArrayHasKey('puqSynology', $tab);
        $area = puqSynology_ClientArea(array());
        $this->assertSame('templates/error.tpl', $area['tabOverviewReplacementTemplate']);
        $this->assertNotSame('', $area['templateVariables']['usefulErrorHelper']);
        $this->assertSame(array('None' => 'None'), puqSynology_LoaderEmailTemplates(array()));
        $this->assertSame(array(), self::$daemon->requests());
    }

    public function testLoaderGroupsThrowsAClearExceptionWithEmptyParams()
    {
        try {
            puqSynology_LoaderGroups(array());
            $this->fail('LoaderGroups must throw when it cannot load the groups');
        } catch (Exception $e) {
            $this->assertSame('Exception', get_class($e), 'WHMCS expects an Exception');
            $this->assertStringContainsString('Cannot load the Synology groups', $e->getMessage());
            $this->assertStringContainsString('No server is assigned', $e->getMessage());
        }
        $this->assertSame(array(), self::$daemon->requests());
    }

    public function testNoFunctionThrowsOnNonArrayParams()
    {
        foreach (array('CreateAccount', 'SuspendAccount', 'UnsuspendAccount', 'TerminateAccount', 'ChangePassword',
                     'ChangePackage', 'UsageUpdate', 'SyncUsage') as $function) {
            $this->assertIsString(call_user_func('puqSynology_' . $function, null), $function);
        }
        $this->assertIsArray(puqSynology_TestConnection(null));
        $this->assertIsArray(puqSynology_ClientArea(null));
        $this->assertIsArray(puqSynology_AdminServicesTabFields(null));
        $this->assertIsArray(puqSynology_UsageStatistics(null));
        $this->assertIsString(puqSynology_InstallEmailTemplate(null));
    }

    public function testMetaData()
    {
        $this->assertSame(array(
            'DisplayName' => 'PUQ Synology',
            'APIVersion' => '1.1',
            'RequiresServer' => true,
            'DefaultNonSSLPort' => '5000',
            'DefaultSSLPort' => '5001',
            'ListAccountsUniqueIdentifierDisplayName' => 'Username',
            'ListAccountsUniqueIdentifierField' => 'username',
            'ListAccountsProductField' => 'configoption3',
        ), puqSynology_MetaData());
    }

    public function testConfigOptionsOrderAndFields()
    {
        $options = array_values(puqSynology_ConfigOptions());
        $this->assertCount(10, $options);
        $names = array_map(function ($o) {
            return $o['FriendlyName'];
        }, $options);
        $this->assertSame(array('Disk size', 'Disk unit', 'Synology group', 'Notify at %', 'Email template',
            'Save history (days)', 'Link to instruction', 'Show password', 'Username rule', 'Password rule'), $names);

        $this->assertSame('text', $options[0]['Type']);
        $this->assertSame('0', $options[0]['Default']);
        $this->assertSame('Shown to the client; 0 = unlimited', $options[0]['Description']);

        $this->assertSame('dropdown', $options[1]['Type']);
        $this->assertSame(array('MB', 'GB', 'TB'), array_keys($options[1]['Options']));
        $this->assertSame('GB', $options[1]['Default']);

        $this->assertSame('text', $options[2]['Type']);
        $this->assertSame('puqSynology_LoaderGroups', $options[2]['Loader']);
        $this->assertTrue($options[2]['SimpleMode']);
        $this->assertTrue(function_exists($options[2]['Loader']));

        $this->assertSame('90', $options[3]['Default']);
        $this->assertSame('puqSynology_LoaderEmailTemplates', $options[4]['Loader']);
        $this->assertTrue(function_exists($options[4]['Loader']));
        $this->assertSame('30', $options[5]['Default']);
        $this->assertSame('text', $options[6]['Type']);

        $this->assertSame('dropdown', $options[7]['Type']);
        $this->assertSame(array('button' => 'Show button', 'plain' => 'Plain text', 'hidden' => 'Hidden'),
            $options[7]['Options']);

        $this->assertSame('{client_id}-{service_id}-{random_digit_4}', $options[8]['Default']);
        $this->assertSame('12', $options[9]['Default']);
        $this->assertSame('Password length, minimum 8', $options[9]['Description']);

        foreach ($options as $option) {
            $this->assertContains($option['Type'], array('text', 'password', 'yesno', 'dropdown', 'radio', 'textarea'));
        }
    }

    public function testConfigOptionsNeverCallsTheNetwork()
    {
        puqSynology_ConfigOptions(self::serviceParams());
        $this->assertSame(array(), self::$daemon->requests());
    }

    public function testAdminCustomButtons()
    {
        $this->assertSame(array('Sync usage now' => 'SyncUsage', 'Install email template' => 'InstallEmailTemplate'),
            puqSynology_AdminCustomButtonArray());
        foreach (puqSynology_AdminCustomButtonArray() as $function) {
            $this->assertTrue(function_exists('puqSynology_' . $function), $function);
        }
    }

    public function testClientAreaButtonsAndAllowedFunctions()
    {
        $this->assertSame(array('Used space statistics' => 'UsageStatistics'), puqSynology_ClientAreaCustomButtonArray());
        $this->assertSame(array('UsageStatistics'), puqSynology_ClientAreaAllowedFunctions());
        $this->assertTrue(function_exists('puqSynology_UsageStatistics'));
    }

    public function testTheModuleFileRefusesDirectAccess()
    {
        $out = array();
        exec(escapeshellarg(PHP_BINARY) . ' -n ' . escapeshellarg(PUQ_MODULE_DIR . '/puqSynology.php') . ' 2>&1', $out, $rc);
        $this->assertSame('This file cannot be accessed directly', trim(implode("\n", $out)));
        foreach (glob(PUQ_MODULE_DIR . '/{lib/*.php,hooks.php,lang/*.php,config.example.php}', GLOB_BRACE) as $file) {
            $this->assertStringContainsString('if (!defined("WHMCS"))', file_get_contents($file), $file);
        }
    }

    public function testHooksFileLoadsWithoutTheDaemon()
    {
        putenv('PUQ_DAEMON_URL=http://127.0.0.1:' . FakeDaemon::freePort());
        $hooks = WhmcsHarness::loadHooks();
        foreach ($hooks as $hook) {
            $this->assertIsCallable($hook['callable']);
        }
        $this->assertSame(array(), self::$daemon->requests());
    }

    public function testOnlyModuleFunctionsArePrefixed()
    {
        // Every global function of the module file is a WHMCS entry point (WHMCS may call any of them by name).
        $expected = array('metadata', 'configoptions', 'loadergroups', 'loaderemailtemplates', 'testconnection',
            'createaccount', 'terminateaccount', 'suspendaccount', 'unsuspendaccount', 'changepassword',
            'changepackage', 'usageupdate', 'adminservicestabfields', 'adminservicestabfieldssave',
            'admincustombuttonarray', 'syncusage', 'clientarea', 'clientareacustombuttonarray',
            'clientareaallowedfunctions', 'usagestatistics', 'installemailtemplate', 'listaccounts');
        $functions = array();
        foreach (get_defined_functions()['user'] as $function) {
            if (strpos($function, 'puqsynology_') === 0) {
                $functions[] = substr($function, strlen('puqsynology_'));
            }
        }
        sort($expected);
        sort($functions);
        $this->assertSame($expected, $functions);
    }
}
