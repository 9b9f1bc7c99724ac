using System.Management.Automation;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Tests;

/// <summary>The one place an exception becomes an ErrorRecord: ids and categories scripts can rely on, and no leaked text.</summary>
public sealed class ErrorRecordsTests
{
    private static ApigApiException Api(int status, string? code = null, string message = "APIG answered 400 for POST /v2/p/apigw/instances/i1/api-groups/g1/domains/d1/certificate.") =>
        new(message, status, code, null, "req-1", "POST", "/v2/p/apigw/instances/i1/api-groups/g1/domains/d1/certificate");

    [Theory]
    [InlineData("FileNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("DomainNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("InstanceNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("CredentialsNotFound", ErrorCategory.AuthenticationError)]
    [InlineData("InsecureEndpoint", ErrorCategory.SecurityError)]
    [InlineData("ProxyWithPlainHttpEndpoint", ErrorCategory.SecurityError)]
    [InlineData("InvalidId", ErrorCategory.InvalidArgument)]
    public void An_input_error_keeps_its_id_gets_its_category_and_the_advice_for_its_input(string errorId, ErrorCategory category)
    {
        var input = new ApigInputException(errorId, "DomainId", "The DomainId is wrong.");

        ErrorRecord record = ErrorRecords.From(input, "api.example.com");

        Assert.Equal(errorId, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Equal("api.example.com", record.TargetObject);
        Assert.Same(input, record.Exception);
        Assert.Equal("The DomainId is wrong.", record.ErrorDetails.Message);
        Assert.Equal(ApigErrorAdvice.ForInput(errorId, "DomainId"), record.ErrorDetails.RecommendedAction);
    }

    [Theory]
    [InlineData(0, null, "ApigConnectionFailed", ErrorCategory.ConnectionError)]
    [InlineData(400, null, "ApigHttp400", ErrorCategory.InvalidArgument)]
    [InlineData(401, "APIG.1001", "APIG.1001", ErrorCategory.AuthenticationError)]
    [InlineData(407, null, "ApigHttp407", ErrorCategory.AuthenticationError)]
    [InlineData(403, "APIG.1005", "APIG.1005", ErrorCategory.PermissionDenied)]
    [InlineData(404, "APIG.3020", "APIG.3020", ErrorCategory.ObjectNotFound)]
    [InlineData(429, null, "ApigHttp429", ErrorCategory.LimitsExceeded)]
    [InlineData(503, null, "ApigHttp503", ErrorCategory.ConnectionError)]
    public void An_API_error_is_named_by_its_APIG_code_or_status_and_categorised_by_status(int status, string? code, string errorId, ErrorCategory category)
    {
        ApigApiException api = Api(status, code);

        ErrorRecord record = ErrorRecords.From(api, "target");

        Assert.Equal(errorId, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Equal("target", record.TargetObject);
        Assert.Equal(api.Message, record.ErrorDetails.Message);
        Assert.Equal(ApigErrorAdvice.For(code, status), record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_cancelled_operation_is_OperationStopped()
    {
        ErrorRecord record = ErrorRecords.From(new OperationCanceledException(), "target");

        Assert.Equal("OperationStopped", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationStopped, record.CategoryInfo.Category);
        Assert.Equal("target", record.TargetObject);
    }

    [Fact]
    public void An_unexpected_exception_keeps_its_type_name_but_not_its_text_which_may_echo_a_secret()
    {
        const string secret = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
        var thirdParty = new FormatException("Could not parse '" + secret + "'", new Exception(secret));

        ErrorRecord record = ErrorRecords.From(thirdParty, "api.example.com");

        Assert.Equal("UnexpectedError", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.NotSpecified, record.CategoryInfo.Category);
        Assert.Equal("api.example.com", record.TargetObject);
        Assert.Contains(nameof(FormatException), record.Exception.Message);
        Assert.Null(record.Exception.InnerException);
        Assert.DoesNotContain(secret, record.ToString());
        Assert.DoesNotContain(secret, record.Exception.ToString());
        Assert.DoesNotContain(secret, record.ErrorDetails?.Message ?? string.Empty);
    }

    [Fact]
    public void A_batch_item_API_error_names_its_domain_first_and_keeps_the_advice()
    {
        ApigApiException api = Api(400, "APIG.2103");

        ErrorRecord record = ErrorRecords.ForItem(api, "api.example.com");

        Assert.Equal("api.example.com: " + api.Message, record.ErrorDetails.Message);
        Assert.Equal(ApigErrorAdvice.For("APIG.2103", 400), record.ErrorDetails.RecommendedAction);
        Assert.Equal("APIG.2103", record.FullyQualifiedErrorId);
    }

    [Fact]
    public void A_batch_item_error_that_already_names_its_domain_or_is_not_from_the_API_is_left_as_it_is()
    {
        ApigApiException named = Api(404, "APIG.3020", "Domain api.example.com was not found.");
        var input = new ApigInputException("InvalidId", "DomainId", "The DomainId is wrong.");

        Assert.Equal(named.Message, ErrorRecords.ForItem(named, "API.example.com").ErrorDetails.Message);
        Assert.Equal(input.Message, ErrorRecords.ForItem(input, "api.example.com").ErrorDetails.Message);
    }

    [Fact]
    public void Not_connected_says_to_run_Connect_Apig_before_the_command()
    {
        ErrorRecord record = ErrorRecords.NotConnected("Set-ApigDomainCertificate");

        Assert.Equal("NotConnected", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, record.CategoryInfo.Category);
        Assert.Equal("Not connected to APIG. Run Connect-Apig first, then run Set-ApigDomainCertificate again.", record.ErrorDetails.Message);
        Assert.Equal("Run Connect-Apig.", record.ErrorDetails.RecommendedAction);
    }
}
