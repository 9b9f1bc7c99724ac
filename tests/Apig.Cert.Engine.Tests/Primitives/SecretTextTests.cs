using System.Security;
using System.Text;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Tests.Primitives;

public class SecretTextTests
{
    // A NUL in the middle and a character outside the BMP: a copy that stops early or counts bytes shows here.
    private const string Tricky = "pa\0ss-\U0001F511-wörd";

    [Fact]
    public void ToChars_copies_every_character()
    {
        using SecureString secure = SecretText.FromString(Tricky);
        char[] chars = SecretText.ToChars(secure);
        Assert.Equal(Tricky.ToCharArray(), chars);
    }

    [Fact]
    public void ToChars_of_an_empty_value_is_empty_and_of_null_is_refused()
    {
        using var empty = new SecureString();
        Assert.Empty(SecretText.ToChars(empty));
        Assert.Throws<ArgumentNullException>(() => SecretText.ToChars(null!));
    }

    [Fact]
    public void ToUtf8_and_Reveal_give_the_whole_value()
    {
        using SecureString secure = SecretText.FromString(Tricky);
        Assert.Equal(Encoding.UTF8.GetBytes(Tricky), SecretText.ToUtf8(secure));
        Assert.Equal(Tricky, SecretText.Reveal(secure));
    }

    [Fact]
    public void A_private_key_pem_given_as_SecureString_is_read_past_a_NUL()
    {
        using SecureString secure = SecretText.FromString(Tricky);
        Assert.Equal(Tricky, CertificateSource.ReadSecureString(secure));
    }
}
