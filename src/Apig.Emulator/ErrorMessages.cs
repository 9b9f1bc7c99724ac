using System.Text.RegularExpressions;

namespace Apig.Emulator;

/// <summary>
/// Error messages in the request's language. Whether APIG localises error_msg when X-Language is absent is
/// UNCONFIRMED, so the language without the header is a setting (<see cref="ApiVariants.DefaultLanguage"/>).
/// The Chinese texts follow the description column of the APIG error-code table where it has one; clients must
/// match on error_code, never on these.
/// </summary>
internal static partial class ErrorMessages
{
    private static readonly Dictionary<string, string> Chinese = new(StringComparer.Ordinal)
    {
        ["APIG.0101"] = "API不存在或未发布到环境",
        ["APIG.0201"] = "后端不可用",
        ["APIG.0303"] = "APP认证信息错误",
        ["APIG.0308"] = "请求超过流控阈值",
        ["APIG.1000"] = "IAM认证信息错误：缺少token",
        ["APIG.1001"] = "token已过期",
        ["APIG.1002"] = "token错误或解析失败",
        ["APIG.1005"] = "无权限访问此方法",
        ["APIG.2000"] = "请求参数错误",
        ["APIG.2001"] = "请求参数为空",
        ["APIG.2012"] = "参数匹配到不期望匹配的规则",
        ["APIG.2050"] = "域名与端口组合已存在",
        ["APIG.2051"] = "域名不能绑定不同的证书",
        ["APIG.2101"] = "证书与私钥不匹配",
        ["APIG.2102"] = "证书已过期",
        ["APIG.2103"] = "证书域名与域名不匹配",
        ["APIG.2104"] = "证书链不匹配",
        ["APIG.2105"] = "私钥已加密",
        ["APIG.2106"] = "证书或私钥无效",
        ["APIG.2109"] = "证书不包含SAN",
        ["APIG.3001"] = "API分组不存在",
        ["APIG.3020"] = "域名不存在",
        ["APIG.3021"] = "SSL证书不存在",
        ["APIG.3025"] = "证书不存在",
        ["APIG.3030"] = "实例不存在",
        ["APIG.3097"] = "证书与域名的绑定关系不存在",
        ["APIG.3108"] = "域名数量超过上限",
        ["APIG.3148"] = "证书有效期须早于2038-01-19 03:14:07 UTC",
        ["APIG.3305"] = "域名已存在",
        ["APIG.3709"] = "证书签名算法不匹配",
        ["APIG.3715"] = "同一域名上的CA证书算法类型必须一致",
        ["APIG.3474"] = "URL中的API分组与域名所绑定的API分组不一致",
        ["APIG.9008"] = "请求过于频繁",
        ["APIG.9999"] = "系统错误",
    };

    [GeneratedRegex(",parameterName:[A-Za-z_]+")]
    private static partial Regex ParameterName();

    /// <summary>The request's X-Language decides; without one, the setting does.</summary>
    internal static string For(ApigError error, string? requestLanguage, string defaultLanguage)
    {
        string language = string.IsNullOrWhiteSpace(requestLanguage) ? defaultLanguage : requestLanguage.Trim();
        if (error.FixedMessage || !language.StartsWith("zh", StringComparison.OrdinalIgnoreCase)
            || !Chinese.TryGetValue(error.Code, out string? text))
            return error.Message;
        // The parameter name stays: it is not prose, and clients and people both use it.
        Match parameter = ParameterName().Match(error.Message);
        return parameter.Success ? text + parameter.Value : text;
    }
}
