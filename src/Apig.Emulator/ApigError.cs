namespace Apig.Emulator;

/// <summary>An APIG error answer; thrown by handlers and written as {"error_code","error_msg"} by the pipeline.</summary>
public sealed class ApigError(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    /// <summary>A message given by a test (an injected fault): sent as it is, in any language.</summary>
    public bool FixedMessage { get; init; }

    public static ApigError MissingParameter(string name) =>
        new(400, "APIG.2001", $"The request parameters must be specified,parameterName:{name}. Please refer to the support documentation");

    public static ApigError InvalidParameter(string name, string why = "Please refer to the support documentation") =>
        new(400, "APIG.2012", $"Invalid parameter value,parameterName:{name}. {why}");

    public static ApigError BadJson() => new(400, "APIG.2000", "Parameter error: the request body is not valid JSON");
}
