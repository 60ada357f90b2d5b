<?php
/**
 * The incident inbox: WordPress' own list table over Amends' incident list.
 *
 * Filters by status (views, with counts) and kind, searches by order or customer,
 * and pages with Amends' keyset cursor (its `Link: rel="next"` header).
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * The incidents of this store, newest first.
 */
class Amends_Incidents_Table extends WP_List_Table {

	const PER_PAGE = 20;

	/**
	 * Incidents per status, from Amends.
	 *
	 * @var array<string,int>
	 */
	private $counts = array();

	/**
	 * The cursor of the next page, or "".
	 *
	 * @var string
	 */
	private $next_cursor = '';

	/**
	 * Why the list could not be read, if it could not.
	 *
	 * @var WP_Error|null
	 */
	private $error = null;

	/**
	 * Set the table up.
	 */
	public function __construct() {
		parent::__construct(
			array(
				'singular' => 'incident',
				'plural'   => 'incidents',
				'ajax'     => false,
				'screen'   => get_current_screen(),
			)
		);
	}

	/**
	 * Return the filters of the current request.
	 *
	 * @return array<string,string>
	 */
	private function filters() {
		// Read-only filters of a list; nothing changes state. phpcs:disable WordPress.Security.NonceVerification.Recommended
		$filters = array(
			'status' => isset( $_GET['status'] ) ? sanitize_key( wp_unslash( $_GET['status'] ) ) : '',
			'kind'   => isset( $_GET['kind'] ) ? sanitize_key( wp_unslash( $_GET['kind'] ) ) : '',
			'q'      => isset( $_GET['s'] ) ? sanitize_text_field( wp_unslash( $_GET['s'] ) ) : '',
			'cursor' => isset( $_GET['cursor'] ) ? sanitize_text_field( wp_unslash( $_GET['cursor'] ) ) : '',
		);
		// phpcs:enable
		return $filters;
	}

	/**
	 * Read the page of incidents and the counts from Amends.
	 */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), array() );
		$filters               = $this->filters();
		$answer                = Amends_Client::request( 'GET', '/admin/api/incidents', $filters + array( 'limit' => (string) self::PER_PAGE ) );
		if ( is_wp_error( $answer ) ) {
			$this->error = $answer;
			$this->items = array();
			return;
		}
		$this->items       = is_array( $answer['data'] ) ? $answer['data'] : array();
		$this->next_cursor = Amends_Client::next_cursor( $answer );
		$total             = isset( $answer['headers']['x-total-count'] ) ? (int) $answer['headers']['x-total-count'] : count( $this->items );
		$this->set_pagination_args(
			array(
				'total_items' => $total,
				'per_page'    => self::PER_PAGE,
			)
		);
		$counts = Amends_Client::request( 'GET', '/admin/api/incidents/counts' );
		if ( ! is_wp_error( $counts ) && is_array( $counts['data'] ) ) {
			$this->counts = array_map( 'intval', $counts['data'] );
		}
	}

	/**
	 * Print the notice, views, search box and table.
	 */
	public function render() {
		if ( $this->error ) {
			Amends_Notices::show_error( $this->error );
		}
		$this->views();
		echo '<form method="get" class="amends-incidents">';
		echo '<input type="hidden" name="page" value="' . esc_attr( Amends_Admin::SLUG ) . '" />';
		echo '<input type="hidden" name="tab" value="incidents" />';
		$filters = $this->filters();
		if ( '' !== $filters['status'] ) {
			echo '<input type="hidden" name="status" value="' . esc_attr( $filters['status'] ) . '" />';
		}
		$this->search_box( __( 'Search orders or customers', 'amends-for-woocommerce' ), 'amends-incident' );
		$this->display();
		echo '</form>';
	}

	/**
	 * Return the columns.
	 *
	 * @return array<string,string>
	 */
	public function get_columns() {
		return array(
			'order'      => __( 'Order', 'amends-for-woocommerce' ),
			'kind'       => __( 'Problem', 'amends-for-woocommerce' ),
			'status'     => __( 'Status', 'amends-for-woocommerce' ),
			'customer'   => __( 'Customer', 'amends-for-woocommerce' ),
			'created_at' => __( 'Opened', 'amends-for-woocommerce' ),
			'updated_at' => __( 'Last change', 'amends-for-woocommerce' ),
		);
	}

	/**
	 * Return the status views, each with its count.
	 *
	 * @return array<string,string>
	 */
	protected function get_views() {
		$current = $this->filters()['status'];
		$views   = array(
			'all' => $this->view_link( '', __( 'All', 'amends-for-woocommerce' ), array_sum( $this->counts ), '' === $current ),
		);
		foreach ( Amends_Labels::statuses() as $status => $label ) {
			if ( ! empty( $this->counts[ $status ] ) || $status === $current ) {
				$views[ $status ] = $this->view_link( $status, $label, $this->counts[ $status ] ?? 0, $status === $current );
			}
		}
		return $views;
	}

	/**
	 * Return one view's link.
	 *
	 * @param string $status  The status, or "" for all.
	 * @param string $label   The label.
	 * @param int    $count   How many incidents have it.
	 * @param bool   $current Whether it is the view shown.
	 * @return string
	 */
	private function view_link( $status, $label, $count, $current ) {
		return sprintf(
			'<a href="%1$s"%2$s>%3$s <span class="count">(%4$s)</span></a>',
			esc_url( Amends_Admin::tab_url( 'incidents', '' === $status ? array() : array( 'status' => $status ) ) ),
			$current ? ' class="current" aria-current="page"' : '',
			esc_html( $label ),
			esc_html( number_format_i18n( $count ) )
		);
	}

	/**
	 * Print the kind filter above the table.
	 *
	 * @param string $which top or bottom.
	 */
	protected function extra_tablenav( $which ) {
		if ( 'top' !== $which ) {
			return;
		}
		$current = $this->filters()['kind'];
		echo '<div class="alignleft actions">';
		echo '<label class="screen-reader-text" for="amends-filter-kind">' . esc_html__( 'Filter by problem', 'amends-for-woocommerce' ) . '</label>';
		echo '<select name="kind" id="amends-filter-kind">';
		echo '<option value="">' . esc_html__( 'All problems', 'amends-for-woocommerce' ) . '</option>';
		foreach ( Amends_Labels::kinds() as $kind => $label ) {
			printf( '<option value="%1$s"%2$s>%3$s</option>', esc_attr( $kind ), selected( $kind, $current, false ), esc_html( $label ) );
		}
		echo '</select>';
		submit_button( __( 'Filter', 'amends-for-woocommerce' ), '', 'filter_action', false );
		echo '</div>';
	}

	/**
	 * Print keyset pagination: the count, the first page and the next one.
	 *
	 * @param string $which top or bottom.
	 */
	protected function pagination( $which ) {
		$total   = (int) $this->get_pagination_arg( 'total_items' );
		$filters = $this->filters();
		$keep    = array_filter(
			array(
				'status' => $filters['status'],
				'kind'   => $filters['kind'],
				's'      => $filters['q'],
			)
		);
		echo '<div class="tablenav-pages">';
		/* translators: %s: number of incidents. */
		echo '<span class="displaying-num">' . esc_html( sprintf( _n( '%s incident', '%s incidents', $total, 'amends-for-woocommerce' ), number_format_i18n( $total ) ) ) . '</span>';
		echo '<span class="pagination-links">';
		if ( '' !== $filters['cursor'] ) {
			printf( '<a class="first-page button" href="%1$s">%2$s</a> ', esc_url( Amends_Admin::tab_url( 'incidents', $keep ) ), esc_html__( '« Newest', 'amends-for-woocommerce' ) );
		}
		if ( '' !== $this->next_cursor ) {
			printf( '<a class="next-page button" href="%1$s">%2$s</a>', esc_url( Amends_Admin::tab_url( 'incidents', $keep + array( 'cursor' => rawurlencode( $this->next_cursor ) ) ) ), esc_html__( 'Older ›', 'amends-for-woocommerce' ) );
		}
		echo '</span></div>';
	}

	/**
	 * Print the order cell: a link to the incident, with a row action.
	 *
	 * @param array $item An incident.
	 * @return string
	 */
	protected function column_order( $item ) {
		$name = ! empty( $item['order_name'] ) ? $item['order_name'] : '#' . ( $item['order_id'] ?? '' );
		$url  = Amends_Admin::incident_url( (int) $item['id'] );
		/* translators: %s: the order's name, e.g. #1042. */
		$label = sprintf( __( 'Order %s', 'amends-for-woocommerce' ), $name );
		$title = sprintf( '<strong><a class="row-title" href="%1$s">%2$s</a></strong>', esc_url( $url ), esc_html( $label ) );
		return $title . $this->row_actions(
			array( 'view' => sprintf( '<a href="%1$s">%2$s</a>', esc_url( $url ), esc_html__( 'Open incident', 'amends-for-woocommerce' ) ) )
		);
	}

	/**
	 * Print the kind cell.
	 *
	 * @param array $item An incident.
	 * @return string
	 */
	protected function column_kind( $item ) {
		return esc_html( Amends_Labels::kind( $item['kind'] ?? '' ) );
	}

	/**
	 * Print the status cell as a mark like WooCommerce's order statuses.
	 *
	 * @param array $item An incident.
	 * @return string
	 */
	protected function column_status( $item ) {
		$status = (string) ( $item['status'] ?? '' );
		return sprintf( '<mark class="amends-status amends-status-%1$s"><span>%2$s</span></mark>', esc_attr( sanitize_html_class( $status ) ), esc_html( Amends_Labels::status( $status ) ) );
	}

	/**
	 * Print any other cell.
	 *
	 * @param array  $item        An incident.
	 * @param string $column_name The column.
	 * @return string
	 */
	protected function column_default( $item, $column_name ) {
		if ( 'customer' === $column_name ) {
			return esc_html( $item['customer_email'] ?? '' );
		}
		return esc_html( Amends_Labels::moment( $item[ $column_name ] ?? '' ) );
	}

	/**
	 * Say there is nothing to show.
	 */
	public function no_items() {
		echo $this->error ? esc_html__( 'The incidents could not be loaded.', 'amends-for-woocommerce' ) : esc_html__( 'No incidents. Amends opens one by itself when an order ships late or an item comes back faulty.', 'amends-for-woocommerce' );
	}
}
