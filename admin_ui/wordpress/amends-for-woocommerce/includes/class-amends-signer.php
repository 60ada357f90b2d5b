<?php
/**
 * Signs the requests the plugin sends to Amends, server to server.
 *
 * Plain PHP, no WordPress call: the test suite loads this file alone in php-cli and
 * checks that Amends accepts what it signs.
 *
 * @package Amends_For_WooCommerce
 */

if ( ! defined( 'ABSPATH' ) && ! defined( 'AMENDS_SIGNER_STANDALONE' ) ) {
	exit;
}

/**
 * HMAC-SHA256 over method, path with query, shop, timestamp, nonce and the body's hash.
 *
 * The text signed is, line by line: AMENDS-HMAC-SHA256, the method in capitals, the
 * path (plus "?" and the query when there is one), the shop id, the Unix time, the
 * nonce, and the hex SHA-256 of the raw body. Amends (admin_ui/signed_requests.py)
 * builds the same text and refuses a stale timestamp or a nonce seen before.
 */
class Amends_Signer {

	const SCHEME = 'AMENDS-HMAC-SHA256';

	/**
	 * Return the text a signature covers.
	 *
	 * @param string $method    HTTP method.
	 * @param string $target    Path, plus "?" and the query string when there is one.
	 * @param int    $shop      The shop's id at Amends.
	 * @param int    $timestamp Unix seconds.
	 * @param string $nonce     A value never used before for this shop.
	 * @param string $body      The raw request body ("" when there is none).
	 * @return string
	 */
	public static function canonical( $method, $target, $shop, $timestamp, $nonce, $body ) {
		return implode(
			"\n",
			array(
				self::SCHEME,
				strtoupper( $method ),
				$target,
				(string) (int) $shop,
				(string) (int) $timestamp,
				$nonce,
				hash( 'sha256', (string) $body ),
			)
		);
	}

	/**
	 * Return the signature of a canonical text, in lowercase hex.
	 *
	 * @param string $secret    The shop's secret.
	 * @param string $canonical What self::canonical() returned.
	 * @return string
	 */
	public static function signature( $secret, $canonical ) {
		return hash_hmac( 'sha256', $canonical, $secret );
	}

	/**
	 * Return the path and query of a URL, as they go on the request line.
	 *
	 * @param string $url An absolute URL.
	 * @return string
	 */
	public static function target( $url ) {
		$parts  = function_exists( 'wp_parse_url' ) ? wp_parse_url( $url ) : parse_url( $url ); // phpcs:ignore WordPress.WP.AlternativeFunctions.parse_url_parse_url
		$target = isset( $parts['path'] ) && '' !== $parts['path'] ? $parts['path'] : '/';
		if ( isset( $parts['query'] ) && '' !== $parts['query'] ) {
			$target .= '?' . $parts['query'];
		}
		return $target;
	}

	/**
	 * Return a fresh nonce: 32 hex digits from a cryptographic source.
	 *
	 * @return string
	 */
	public static function new_nonce() {
		return bin2hex( random_bytes( 16 ) );
	}

	/**
	 * Return the headers that sign one request.
	 *
	 * @param string   $secret    The shop's secret.
	 * @param int      $shop      The shop's id at Amends.
	 * @param string   $method    HTTP method.
	 * @param string   $url       The full URL the request goes to.
	 * @param string   $body      The raw body.
	 * @param int|null $timestamp Unix seconds; now when null.
	 * @param string   $nonce     A nonce; a fresh one when empty.
	 * @return array<string,string>
	 */
	public static function headers( $secret, $shop, $method, $url, $body, $timestamp = null, $nonce = '' ) {
		$timestamp = null === $timestamp ? time() : (int) $timestamp;
		$nonce     = '' === $nonce ? self::new_nonce() : $nonce;
		$canonical = self::canonical( $method, self::target( $url ), $shop, $timestamp, $nonce, $body );
		return array(
			'X-Amends-Shop'      => (string) (int) $shop,
			'X-Amends-Timestamp' => (string) $timestamp,
			'X-Amends-Nonce'     => $nonce,
			'X-Amends-Signature' => self::signature( $secret, $canonical ),
		);
	}
}
