using Apig.Cert;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Tests.Http;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Engine.Tests.Connection;

public class EnvironmentCredentialsTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.TryGetValue(name, out var value) ? value : null;
    }

    private static string Plain(System.Security.SecureString? secure) => new System.Net.NetworkCredential("", secure).Password;

    [Fact]
    public void EverythingMissingIsFilledFromTheSdkVariables()
    {
        var settings = new ApigConnectionSettings { AuthType = ApigAuthType.Token };

        EnvironmentCredentials.Apply(settings, Environment(
            ("HUAWEICLOUD_SDK_AK", "HPUAENV0000KEY"),
            ("HUAWEICLOUD_SDK_SK", "env-secret"),
            ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "env-sts"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "env-project"),
            ("HUAWEICLOUD_SDK_REGION", "ap-southeast-3")));

        Assert.Equal("HPUAENV0000KEY", settings.AccessKey);
        Assert.Equal("env-secret", Plain(settings.SecretKey));
        Assert.Equal("env-sts", Plain(settings.SecurityToken));
        Assert.Equal("env-project", settings.ProjectId);
        Assert.Equal("ap-southeast-3", settings.Region);
        Assert.Equal(ApigAuthType.AccessKey, settings.AuthType);
    }

    [Fact]
    public void ValuesAlreadyGivenWin()
    {
        var settings = new ApigConnectionSettings
        {
            AccessKey = "HPUAGIVEN000KEY",
            SecretKey = TestSessions.Secure("given-secret"),
            ProjectId = "given-project",
            Region = "cn-north-4",
        };

        EnvironmentCredentials.Apply(settings, Environment(
            ("HUAWEICLOUD_SDK_AK", "HPUAENV0000KEY"),
            ("HUAWEICLOUD_SDK_SK", "env-secret"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "env-project"),
            ("HUAWEICLOUD_SDK_REGION", "ap-southeast-3")));

        Assert.Equal("HPUAGIVEN000KEY", settings.AccessKey);
        Assert.Equal("given-secret", Plain(settings.SecretKey));
        Assert.Null(settings.SecurityToken);
        Assert.Equal("given-project", settings.ProjectId);
        Assert.Equal("cn-north-4", settings.Region);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("HPUAENV0000KEY", null)]
    [InlineData(null, "env-secret")]
    [InlineData("  ", "env-secret")]
    public void MissingKeyPairIsReportedWithTheVariablesAndParameterSets(string? accessKey, string? secretKey)
    {
        var variables = new List<(string, string)>();
        if (accessKey != null) variables.Add(("HUAWEICLOUD_SDK_AK", accessKey));
        if (secretKey != null) variables.Add(("HUAWEICLOUD_SDK_SK", secretKey));

        var error = Assert.Throws<ApigInputException>(() =>
            EnvironmentCredentials.Apply(new ApigConnectionSettings(), Environment(variables.ToArray())));

        Assert.Equal("CredentialsNotFound", error.ErrorId);
        Assert.Equal("AccessKey", error.InputName);
        Assert.Contains("HUAWEICLOUD_SDK_AK", error.Message);
        Assert.Contains("HUAWEICLOUD_SDK_SK", error.Message);
        Assert.Contains("-Token", error.Message);
        Assert.Contains("-Credential", error.Message);
        Assert.DoesNotContain("-UserName", error.Message);
        Assert.DoesNotContain("-Password", error.Message);
        if (secretKey != null) Assert.DoesNotContain(secretKey, error.Message);
    }

    [Fact]
    public void AnExplicitSignInTakesOnlyProjectAndRegionFromTheEnvironment()
    {
        var settings = new ApigConnectionSettings { AuthType = ApigAuthType.Token, Region = "cn-north-4" };

        EnvironmentCredentials.ApplyLocation(settings, Environment(
            ("HUAWEICLOUD_SDK_AK", "HPUAENV0000KEY"),
            ("HUAWEICLOUD_SDK_SK", "env-secret"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", " env-project "),
            ("HUAWEICLOUD_SDK_REGION", "ap-southeast-3")));

        Assert.Equal("env-project", settings.ProjectId);
        Assert.Equal("cn-north-4", settings.Region);
        Assert.Null(settings.AccessKey);
        Assert.Null(settings.SecretKey);
        Assert.Equal(ApigAuthType.Token, settings.AuthType);
    }
}
