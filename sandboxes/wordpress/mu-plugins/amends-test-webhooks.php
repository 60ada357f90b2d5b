<?php
/**
 * Test site only: the store's WooCommerce webhook records, as WooCommerce's data store hands them.
 *
 * WooCommerce is not installed on the test site: the sandbox WooCommerce plays the
 * store's REST side and holds the webhooks Amends registered. The test copies those
 * records (id, status, delivery URL, secret) into AMENDS_TEST_WEBHOOKS_FILE, and these
 * stand-ins answer the plugin through the same calls WooCommerce answers:
 * WC_Data_Store::load( 'webhook' )->get_webhooks_ids( $status ) and wc_get_webhook( $id ).
 */

if ( ! defined( 'AMENDS_TEST_WEBHOOKS_FILE' ) || class_exists( 'WC_Data_Store' ) ) {
	return;
}

/**
 * One webhook record.
 */
class Amends_Test_Webhook {

	/**
	 * The record.
	 *
	 * @var array
	 */
	private $row;

	/**
	 * Keep the record.
	 *
	 * @param array $row The record.
	 */
	public function __construct( $row ) {
		$this->row = $row;
	}

	/** @return int */
	public function get_id() {
		return (int) $this->row['id'];
	}

	/** @return string */
	public function get_status() {
		return (string) $this->row['status'];
	}

	/** @return string */
	public function get_delivery_url() {
		return (string) $this->row['delivery_url'];
	}

	/** @return string */
	public function get_secret() {
		return (string) $this->row['secret'];
	}
}

/**
 * The webhook data store.
 */
class Amends_Test_Webhook_Store {

	/**
	 * Return the ids of the webhooks with a status (all when empty).
	 *
	 * @param string $status A status.
	 * @return int[]
	 */
	public function get_webhooks_ids( $status = '' ) {
		$ids = array();
		foreach ( amends_test_webhook_rows() as $row ) {
			if ( '' === $status || $status === $row['status'] ) {
				$ids[] = (int) $row['id'];
			}
		}
		return $ids;
	}
}

/**
 * WooCommerce's data store loader, for webhooks only.
 */
class WC_Data_Store {

	/**
	 * Return the store of an object type.
	 *
	 * @param string $object_type Only 'webhook'.
	 * @return Amends_Test_Webhook_Store
	 */
	public static function load( $object_type ) {
		return new Amends_Test_Webhook_Store();
	}
}

/**
 * Return the records the test wrote.
 *
 * @return array[]
 */
function amends_test_webhook_rows() {
	$rows = json_decode( (string) file_get_contents( AMENDS_TEST_WEBHOOKS_FILE ), true );
	return is_array( $rows ) ? $rows : array();
}

/**
 * Return one webhook, as wc_get_webhook() does (null when there is none).
 *
 * @param int $id The webhook's id.
 * @return Amends_Test_Webhook|null
 */
function wc_get_webhook( $id ) {
	foreach ( amends_test_webhook_rows() as $row ) {
		if ( (int) $row['id'] === (int) $id ) {
			return new Amends_Test_Webhook( $row );
		}
	}
	return null;
}
