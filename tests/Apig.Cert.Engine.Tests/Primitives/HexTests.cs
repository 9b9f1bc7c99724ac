using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Tests.Primitives;

public class HexTests
{
    private static readonly byte[] EveryByte = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    [Fact]
    public void Lower_writes_every_byte_as_two_lowercase_digits()
    {
        Assert.Equal(Convert.ToHexStringLower(EveryByte), Hex.Lower(EveryByte));
    }

    [Fact]
    public void Upper_writes_every_byte_as_two_uppercase_digits()
    {
        Assert.Equal(Convert.ToHexString(EveryByte), Hex.Upper(EveryByte));
    }

    [Fact]
    public void No_bytes_give_no_digits()
    {
        Assert.Equal(string.Empty, Hex.Lower([]));
        Assert.Equal(string.Empty, Hex.Upper([]));
    }
}
