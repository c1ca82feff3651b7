using System.Net;
using SharpParty.Core.Config;

namespace SharpParty.Core.Tests.Config;

/// <summary>copyparty's --ipa / --ftp-ipa / --tftp-ipa syntax.</summary>
public class IpAllowListTests
{
    [Theory]
    [InlineData("10.89.0.0/16, 192.168.33.0/24", "10.89.200.1", true)]
    [InlineData("10.89.0.0/16, 192.168.33.0/24", "192.168.33.9", true)]
    [InlineData("10.89.0.0/16, 192.168.33.0/24", "192.168.34.9", false)]
    [InlineData("172.19.", "172.19.5.5", true)]
    [InlineData("172.19.", "172.20.5.5", false)]
    [InlineData("10.", "10.255.0.1", true)]
    [InlineData("192.168.1.", "192.168.1.77", true)]
    [InlineData("192.168.1.5/24", "192.168.1.200", true)]
    [InlineData("192.168.1.5", "192.168.1.6", false)]
    [InlineData("lan", "127.0.0.1", true)]
    [InlineData("lan", "::ffff:192.168.0.4", true)]
    [InlineData("lan", "fe80::1", true)]
    [InlineData("LAN", "8.8.8.8", false)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "::ffff:10.0.0.1", false)]
    public void Matches_as_copyparty(string spec, string ip, bool allowed)
    {
        Assert.True(IpAllowList.TryParse(spec, out var list, out var error), error);
        Assert.Equal(allowed, list!.Allows(IPAddress.Parse(ip)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("any")]
    [InlineData("all")]
    [InlineData(",")]
    public void Any_means_no_limit(string spec)
    {
        Assert.True(IpAllowList.TryParse(spec, out var list, out _));
        Assert.Null(list);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("1.2.3.4.")]
    [InlineData("bogus")]
    public void Bad_entries_are_refused_with_a_reason(string spec)
    {
        Assert.False(IpAllowList.TryParse(spec, out _, out var error));
        Assert.Contains("not an address prefix", error, StringComparison.Ordinal);
    }
}
